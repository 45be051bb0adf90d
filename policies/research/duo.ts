// Data Use Ontology terms (DUO, GA4GH / EBI, CC-BY-4.0): the vocabulary in which an access policy says what
// a study will do with the data, and in which a member's consent conditions are matched against it.
// The terms themselves live in duo.json, copied from ../shared/reference-data/duo.csv with the attribution.
import { z } from 'zod';
import duoJson from './duo.json' with { type: 'json' };
import { checkWith, issue, type Problem, type ProblemCodes, withProblemCodes } from '../shared/problem.js';

export interface DuoTerm {
  /** Shorthand used in policies, e.g. `HMB`. */
  readonly code: string;
  /** Ontology identifier, e.g. `DUO:0000006`. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
}

/** The attribution CC-BY-4.0 asks for; show it wherever DUO labels are shown or shipped. */
export const DUO_ATTRIBUTION: string = duoJson.attribution;
export const DUO_LICENSE: string = duoJson.license;

export const DUO_PERMISSIONS: readonly DuoTerm[] = Object.freeze(duoJson.permissions.map((t) => Object.freeze(t)));
export const DUO_MODIFIERS: readonly DuoTerm[] = Object.freeze(duoJson.modifiers.map((t) => Object.freeze(t)));

export const duoPermissionCodes = ['NRES', 'GRU', 'HMB', 'DS', 'POA'] as const;
export type DuoPermissionCode = (typeof duoPermissionCodes)[number];

export const duoModifierCodes = [
  'NCU',
  'NPU',
  'NPUNCU',
  'NPOA',
  'IRB',
  'PUB',
  'COL',
  'RS',
  'TS',
  'US',
  'IS',
  'PS',
  'GS',
  'GSO',
  'MOR',
  'RTN',
  'CC',
  'NMDS',
] as const;
export type DuoModifierCode = (typeof duoModifierCodes)[number];

export interface DuoUse {
  readonly permission: DuoPermissionCode;
  readonly modifiers: readonly DuoModifierCode[];
  /** The disease a `DS` (disease specific) use is restricted to, e.g. a MONDO id or a name; only with DS. */
  readonly disease?: string;
}

/** A problem with a DUO use; the same shape as every other rule's problem. */
export type DuoProblem = Problem;

// Tells whether a value is a DUO permission code this cooperative knows.
export function isDuoPermission(value: unknown): value is DuoPermissionCode {
  return typeof value === 'string' && (duoPermissionCodes as readonly string[]).includes(value);
}

// Tells whether a value is a DUO modifier code this cooperative knows.
export function isDuoModifier(value: unknown): value is DuoModifierCode {
  return typeof value === 'string' && (duoModifierCodes as readonly string[]).includes(value);
}

// The DUO term for a code (permission or modifier), for display with its label and id.
export function findDuoTerm(code: string): DuoTerm | undefined {
  return DUO_PERMISSIONS.find((t) => t.code === code) ?? DUO_MODIFIERS.find((t) => t.code === code);
}

/** Stable codes of the DUO use schema's problems (a prefix places them inside a larger schema). */
export function duoProblemCodes(prefix = ''): ProblemCodes {
  const at = prefix === '' ? '' : `${prefix}.`;
  return {
    [`${at}permission`]: 'unknown_duo_permission',
    [`${at}permission:missing`]: 'unknown_duo_permission',
    [`${at}modifiers`]: 'unknown_duo_modifier',
    [`${at}modifiers:missing`]: 'unknown_duo_modifier',
    [`${at}modifiers[]`]: 'unknown_duo_modifier',
    [`${at}disease`]: 'duo_conflict',
  };
}

/**
 * A study's use in DUO terms, `{ permission, modifiers, disease? }`. Only contradictions are refused; redundant
 * pairs (NPU + NCU next to NPUNCU, HMB + NPOA) are allowed. `modifiersDefault` lets a request leave them out.
 */
export function duoUseSchema(options: { modifiersDefault?: boolean } = {}) {
  const modifiers = z.array(z.enum(duoModifierCodes)).max(duoModifierCodes.length);
  return z
    .strictObject({
      permission: z.enum(duoPermissionCodes),
      modifiers: options.modifiersDefault ? modifiers.default([]) : modifiers,
      disease: z.string().max(200).optional().describe('Only with DS: the disease, e.g. a MONDO id'),
    })
    .superRefine((use, ctx) => {
      for (const problem of duoContradictions(use)) ctx.addIssue(problem);
    });
}

// Every contradiction in a use whose codes are known (each a refinement issue of the schema above).
function duoContradictions(use: { permission: string; modifiers: readonly string[]; disease?: string | undefined }) {
  const found = [];
  const seen = new Set<string>();
  for (const [i, modifier] of use.modifiers.entries()) {
    if (seen.has(modifier)) found.push(issue(['modifiers', i], 'duplicate_duo_modifier', `${modifier} twice`));
    seen.add(modifier);
  }
  const conflict = (message: string, field = 'modifiers') => found.push(issue([field], 'duo_conflict', message));
  // POA is ancestry research only; NPOA forbids exactly that use.
  if (use.permission === 'POA' && seen.has('NPOA')) conflict('POA (ancestry research only) contradicts NPOA');
  // "No restriction" with a restriction is a contradiction; a restricted use should name GRU, HMB, DS or POA.
  if (use.permission === 'NRES' && seen.size > 0) conflict('NRES (no restriction) cannot carry modifiers');
  // The cooperative holds vital signs and activity data, no genotypes: a genetic-studies-only use has no data.
  if (seen.has('GSO')) conflict('GSO (genetic studies only): the cooperative holds no genetic data');
  if (use.permission === 'DS') {
    if (use.disease === undefined || use.disease.trim() === '') {
      conflict('DS (disease specific) needs the disease, 1–200 characters', 'disease');
    }
  } else if (use.disease !== undefined) {
    conflict('a disease is only given with DS', 'disease');
  }
  return found;
}

const duoUse = withProblemCodes(duoUseSchema(), duoProblemCodes());

// Every problem with a (permission, modifiers) combination describing a study's use; empty when it is coherent.
export function validateDuoUse(permission: unknown, modifiers: unknown, disease?: unknown, at = 'duo'): DuoProblem[] {
  const checked = checkWith(duoUse, { permission, modifiers, ...(disease !== undefined && { disease }) });
  if (checked.ok) return [];
  return checked.problems.map((p) => ({ ...p, field: p.field === '' ? at : `${at}.${p.field}` }));
}

// Whether a study's use could include population origins or ancestry research (POA itself, or a broad
// permission without NPOA; HMB and DS exclude it by definition).
export function mayIncludeAncestryResearch(use: DuoUse): boolean {
  if (use.permission === 'POA') return true;
  if (use.permission === 'HMB' || use.permission === 'DS') return false;
  return !use.modifiers.includes('NPOA');
}

// Whether a study's use is restricted to non-commercial use (NCU or NPUNCU).
export function isNonCommercialUse(use: DuoUse): boolean {
  return use.modifiers.includes('NCU') || use.modifiers.includes('NPUNCU');
}

// Whether a study's use is restricted to not-for-profit organisations (NPU or NPUNCU).
export function isNotForProfitUse(use: DuoUse): boolean {
  return use.modifiers.includes('NPU') || use.modifiers.includes('NPUNCU');
}
