// The JSON-schema subset our /openapi.json uses (what z.toJSONSchema emits), read two ways: a validator for
// responses, and fast-check arbitraries for requests — values the schema accepts and values it must refuse.
import fc from 'fast-check';

/** One JSON schema of the document; only the keywords z.toJSONSchema produces for our routes. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  description?: string;
}

const KNOWN_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'default',
  'description',
  '$schema',
]);

/** Keywords of `schema` (at any depth) this module does not understand; a new one must be taught, not ignored. */
export function unknownKeywords(schema: unknown, at = '$'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const found: string[] = [];
  const s = schema as Record<string, unknown>;
  for (const key of Object.keys(s)) if (!KNOWN_KEYWORDS.has(key)) found.push(`${at}.${key}`);
  for (const [key, inner] of Object.entries(s.properties ?? {})) found.push(...unknownKeywords(inner, `${at}.${key}`));
  for (const key of ['items', 'additionalProperties', 'propertyNames'] as const) {
    if (typeof s[key] === 'object') found.push(...unknownKeywords(s[key], `${at}.${key}`));
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    for (const [i, inner] of ((s[key] as unknown[]) ?? []).entries()) {
      found.push(...unknownKeywords(inner, `${at}.${key}[${i}]`));
    }
  }
  return found;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

/** Every way `value` breaks `schema`, as "path: problem" lines; empty when it conforms. */
export function validate(schema: JsonSchema, value: unknown, at = '$'): string[] {
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    return [`${at}: expected ${JSON.stringify(schema.const)}`];
  }
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  }
  if (schema.anyOf && !schema.anyOf.some((option) => validate(option, value, at).length === 0)) {
    return [`${at}: matches none of anyOf`];
  }
  if (schema.oneOf && schema.oneOf.filter((option) => validate(option, value, at).length === 0).length !== 1) {
    return [`${at}: does not match exactly one of oneOf`];
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => typeMatches(type, value))) return [`${at}: expected ${types.join('|')}`];
  }
  const problems: string[] = [];
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) problems.push(`${at}: shorter than minLength`);
    if (schema.maxLength !== undefined && length > schema.maxLength) problems.push(`${at}: longer than maxLength`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
      problems.push(`${at}: does not match ${schema.pattern}`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at}: above maximum`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      problems.push(`${at}: not above exclusiveMinimum`);
    }
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      problems.push(`${at}: not below exclusiveMaximum`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at}: too few items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${at}: too many items`);
    if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) {
      problems.push(`${at}: items repeat`);
    }
    if (schema.items) value.forEach((item, i) => problems.push(...validate(schema.items!, item, `${at}[${i}]`)));
  }
  if (isPlainObject(value)) {
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(value, key)) problems.push(`${at}.${key}: required`);
    }
    for (const [key, inner] of Object.entries(value)) {
      const property = schema.properties?.[key];
      if (property) {
        problems.push(...validate(property, inner, `${at}.${key}`));
        continue;
      }
      if (schema.additionalProperties === false) problems.push(`${at}.${key}: not a documented field`);
      else if (typeof schema.additionalProperties === 'object') {
        problems.push(...validate(schema.additionalProperties, inner, `${at}.${key}`));
      }
      if (schema.propertyNames) problems.push(...validate(schema.propertyNames, key, `${at}[key ${key}]`));
    }
  }
  return problems;
}

/**
 * Strings an attacker tries first: operators, prototype keys, injections, path tricks, odd unicode. None contains a
 * marker the leak check looks for (stack frames, database error names, secret field names), so an echo of one in a
 * response is never mistaken for a leak.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '$ne',
  '$gt',
  '$where',
  '{"$gt":""}',
  '__proto__',
  'constructor',
  'prototype',
  "' OR '1'='1",
  '"; db.dropDatabase(); "',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..%2F..%2F',
  '\u0000',
  'nul\u0000byte',
  '\u202etxt.exe',
  '\ufeffbom',
  '𝕯𝖆𝖙𝖆𝖈𝖔𝖔𝖕',
  '🔒🧬🩺',
  'e\u0301',
  'ＡＤＭＩＮ',
  ' ',
  '\t\n',
  'null',
  'true',
  '-1',
  '1e309',
  'NaN',
  '%s%s%n',
  '${7*7}',
  '{{7*7}}',
  'a.b',
  'Ünïcödé-ß',
];

/** Object keys that are legal JSON but not always legal for a database: operators, dots, NUL, prototype names. */
export const HOSTILE_KEYS: readonly string[] = [
  '$gt',
  '$where',
  'a.b',
  '.',
  'nul\u0000key',
  '\u0000',
  '__proto__',
  'constructor',
  'toString',
  '',
  ' ',
  'ü🔒',
];

/** The numbers at and around a schema's bounds, and the usual suspects beyond them. */
function edgeNumbers(schema: JsonSchema): number[] {
  const numbers = [0, -0, -1, 1, 0.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, Number.MIN_VALUE];
  for (const bound of [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum]) {
    if (bound === undefined || Math.abs(bound) > 2 ** 53) continue;
    numbers.push(bound, bound - 1, bound + 1, bound - 0.5, bound + 0.5);
  }
  return numbers;
}

const MAX_DEPTH = 4;

/** Strings within `schema`'s length bounds; mostly short, with unicode and the hostile dictionary mixed in. */
function stringWithin(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 40);
  const fits = (s: string) => [...s].length >= minLength && [...s].length <= (schema.maxLength ?? Infinity);
  const hostile = HOSTILE_STRINGS.filter(fits);
  const choices: fc.Arbitrary<string>[] = [
    fc.string({ minLength, maxLength: Math.max(minLength, maxLength) }),
    fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: 'grapheme' }),
  ];
  if (hostile.length > 0) choices.push(fc.constantFrom(...hostile));
  if (schema.maxLength !== undefined && schema.maxLength > 40) {
    choices.push(fc.constantFrom('x'.repeat(schema.maxLength), '😀'.repeat(Math.floor(schema.maxLength / 2))));
  }
  return fc.oneof(...choices);
}

/** Values `schema` accepts (as far as the JSON schema says; refinements the document cannot show may still refuse). */
export function validValue(schema: JsonSchema, known: KnownValues = {}, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((option) => validValue(option, known, depth)));
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue({ ...schema, type }, known, depth)));
  switch (types[0]) {
    case 'string': {
      if (schema.format === 'date-time') {
        return fc
          .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true })
          .map((d) => d.toISOString());
      }
      if (schema.format === 'uuid') return fc.uuid({ version: 4 });
      if (schema.pattern !== undefined) {
        const pattern = new RegExp(schema.pattern);
        return fc
          .stringMatching(pattern)
          .filter(
            (s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity) && pattern.test(s),
          );
      }
      return stringWithin(schema);
    }
    case 'integer': {
      const min = Math.max(schema.minimum ?? -(2 ** 31), Number.MIN_SAFE_INTEGER);
      const max = Math.min(schema.maximum ?? 2 ** 31, Number.MAX_SAFE_INTEGER);
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e6;
      const max = schema.maximum ?? schema.exclusiveMaximum ?? 1e6;
      return fc
        .double({ min, max, noNaN: true, noDefaultInfinity: true })
        .filter(
          (n) =>
            (schema.exclusiveMinimum === undefined || n > schema.exclusiveMinimum) &&
            (schema.exclusiveMaximum === undefined || n < schema.exclusiveMaximum),
        );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth >= MAX_DEPTH) return fc.constant([]);
      const items = schema.items ? validValue(schema.items, known, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      const length = {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
      };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...length, selector: (item) => JSON.stringify(item) })
        : fc.array(items, length);
    }
    case 'object':
      return validObject(schema, known, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validObject(schema: JsonSchema, known: KnownValues, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(properties)) {
    const generated = validValue(property, known, depth + 1);
    const candidates = known[key];
    shape[key] = candidates && candidates.length > 0 ? fc.oneof(generated, fc.constantFrom(...candidates)) : generated;
  }
  const record = fc.record(shape, { requiredKeys: [...required].filter((key) => key in shape) });
  if (typeof schema.additionalProperties !== 'object' || depth >= MAX_DEPTH) return record;
  // Keys the database may choke on, beside ordinary ones: where the schema says "any string", these are valid too.
  const hostileKeys = HOSTILE_KEYS.filter(
    (key) => !schema.propertyNames || validate(schema.propertyNames, key).length === 0,
  );
  const keys = fc.oneof(
    {
      arbitrary: schema.propertyNames
        ? (validValue(schema.propertyNames, {}, depth + 1) as fc.Arbitrary<string>)
        : fc.string(),
      weight: 4,
    },
    ...(hostileKeys.length > 0 ? [{ arbitrary: fc.constantFrom(...hostileKeys), weight: 1 }] : []),
  );
  const extra = fc.dictionary(keys, validValue(schema.additionalProperties, known, depth + 1), { maxKeys: 4 });
  return fc.tuple(record, extra).map(([fixed, more]) => ({ ...more, ...fixed }));
}

/** Values the API knows (ids of real resources, real tokens) to mix in by field name, so fuzzing gets past 404. */
export type KnownValues = Record<string, readonly unknown[]>;

const WRONG_TYPE_CANDIDATES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  '',
  'x',
  [],
  [null],
  {},
  { $gt: '' },
  { $ne: null },
  { $where: 'return true' },
  [{ $regex: '.*' }],
];

/** Values at and beyond the schema's bounds, near-miss enum members, and values of the wrong JSON type. */
function refusedLeaves(schema: JsonSchema): unknown[] {
  const values: unknown[] = [...WRONG_TYPE_CANDIDATES];
  if (schema.enum) {
    for (const option of schema.enum.slice(0, 3)) {
      if (typeof option === 'string') values.push(option.toUpperCase(), ` ${option}`, `${option}\u0000`, `${option}.`);
    }
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('string')) {
    if (schema.maxLength !== undefined)
      values.push('x'.repeat(schema.maxLength + 1), '😀'.repeat(schema.maxLength + 1));
    if ((schema.minLength ?? 0) > 0) values.push('', 'x'.repeat(schema.minLength! - 1));
    values.push('x'.repeat(100_000), 'ÿ'.repeat(5000), ...HOSTILE_STRINGS);
  }
  if (types.includes('number') || types.includes('integer')) values.push(...edgeNumbers(schema));
  if (types.includes('array') && schema.maxItems !== undefined) {
    values.push(Array.from({ length: schema.maxItems + 1 }, () => 'x'));
  }
  if (types.includes('array')) values.push(Array.from({ length: 2000 }, (_, i) => i));
  if (types.includes('array') && schema.uniqueItems) {
    const item = schema.items?.enum?.[0] ?? 'x';
    values.push([item, item]);
  }
  return values.filter((value) => validate(schema, value).length > 0);
}

/** Extra keys a client must not be able to smuggle in. */
export const SMUGGLED_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  '$where',
  '$set',
  'role',
  'status',
  'isAdmin',
  '_id',
  'id',
  'userId',
  'createdAt',
  'verification',
  'membership',
  'a.b',
  '',
];

/**
 * Values `schema` must refuse: the wrong type, bounds crossed, a required field missing, an unknown field (own
 * `__proto__` included), or one nested value broken the same ways. Null when the schema accepts anything.
 */
export function invalidValue(schema: JsonSchema, known: KnownValues = {}, depth = 0): fc.Arbitrary<unknown> | null {
  const leaves = refusedLeaves(schema);
  const choices: fc.Arbitrary<unknown>[] = leaves.length > 0 ? [fc.constantFrom(...leaves)] : [];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('object') && depth < MAX_DEPTH && !schema.enum && schema.const === undefined) {
    const valid = validObject(schema, known, depth);
    const required = schema.required ?? [];
    if (required.length > 0) {
      choices.push(
        fc.tuple(valid, fc.constantFrom(...required)).map(([object, key]) => {
          const copy = { ...object };
          delete copy[key];
          return copy;
        }),
      );
    }
    if (schema.additionalProperties === false) {
      choices.push(
        fc
          .tuple(valid, fc.constantFrom(...SMUGGLED_KEYS), fc.jsonValue({ maxDepth: 1 }))
          .filter(([object, key]) => !Object.hasOwn(object, key) && !(schema.properties && key in schema.properties))
          .map(([object, key, value]) => withOwnKey({ ...object }, key, value)),
      );
    }
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const broken = invalidValue(property, known, depth + 1);
      if (broken) choices.push(fc.tuple(valid, broken).map(([object, b]) => withOwnKey({ ...object }, key, b)));
    }
  }
  if (types.includes('array') && schema.items && depth < MAX_DEPTH) {
    const broken = invalidValue(schema.items, known, depth + 1);
    if (broken) choices.push(fc.array(broken, { minLength: 1, maxLength: 3 }));
  }
  return choices.length > 0 ? fc.oneof(...choices) : null;
}

/** Sets `key` as an own enumerable property, even `__proto__`, so JSON.stringify sends it. */
function withOwnKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
  return object;
}
