import { type Bylaws, InvalidBylawsError, parseBylaws } from './bylaws.js';
import { canonicalJson } from '../shared/canonical-digest.js';
import { type Instant, toEpochMs } from '../shared/instant.js';

type MergePatch<T> = { readonly [K in keyof T]?: (T[K] extends object ? MergePatch<T[K]> : T[K]) | null };

// What an `amend-bylaws` proposal carries: a JSON Merge Patch (RFC 7396) of the bylaws. Fields it names are
// replaced, nested objects are merged, `null` removes an optional field; version and adoptedAt are not
// the assembly's to set, they follow from the vote.
export type BylawsAmendment = MergePatch<Omit<Bylaws, 'version' | 'adoptedAt'>>;

// Validates an amendment when a steward drafts it: a non-empty patch that, applied now, gives valid bylaws.
export function parseBylawsAmendment(current: Bylaws, json: unknown): BylawsAmendment {
  if (!isPlainObject(json)) throw new InvalidBylawsError(['amendment must be an object']);
  const problems: string[] = [];
  if ('version' in json) problems.push('amendment may not set version: it follows from the vote');
  if ('adoptedAt' in json) problems.push('amendment may not set adoptedAt: it follows from the vote');
  if (problems.length > 0) throw new InvalidBylawsError(problems);

  const amendment = json as BylawsAmendment;
  // A dry run just after the current version catches every structural problem now, not after a vote.
  const next = applyAmendment(current, amendment, Date.parse(current.adoptedAt) + 1);
  if (canonicalJson(withoutVersioning(next)) === canonicalJson(withoutVersioning(current))) {
    throw new InvalidBylawsError(['amendment changes nothing']);
  }
  return amendment;
}

// Produces the next bylaws version from an approved amendment; the result is validated like any bylaws.
export function applyAmendment(current: Bylaws, amendment: BylawsAmendment, adoptedAt: Instant): Bylaws {
  const adoptedAtMs = toEpochMs(adoptedAt, 'adoptedAt');
  // Versions must be ordered in time, otherwise "the bylaws in force at opening" would be ambiguous.
  if (adoptedAtMs <= Date.parse(current.adoptedAt)) {
    throw new InvalidBylawsError([`adoptedAt must be later than the current version's (${current.adoptedAt})`]);
  }
  const merged = mergePatch(withoutVersioning(current), amendment);
  if (!isPlainObject(merged)) throw new InvalidBylawsError(['amendment must be an object']);
  return parseBylaws({
    ...merged,
    version: current.version + 1,
    adoptedAt: new Date(adoptedAtMs).toISOString(),
  });
}

// The bylaws governing a proposal opened at `openedAt`: the latest version adopted at or before that instant.
// Proposals freeze these rules when they open, so an amendment never changes a vote already under way.
export function bylawsInForce(history: readonly Bylaws[], openedAt: Instant): Bylaws {
  const at = toEpochMs(openedAt, 'openedAt');
  let inForce: Bylaws | undefined;
  for (const bylaws of history) {
    if (Date.parse(bylaws.adoptedAt) <= at && (!inForce || bylaws.version > inForce.version)) inForce = bylaws;
  }
  if (!inForce) throw new Error(`no bylaws were in force at ${new Date(at).toISOString()}`);
  return inForce;
}

function withoutVersioning(bylaws: Bylaws): Omit<Bylaws, 'version' | 'adoptedAt'> {
  // Listed by name: a field added to Bylaws fails to compile here until someone decides if it is amendable.
  const { proposalKinds, privacy, publication, reminderLeadHours, membership, assembly } = bylaws;
  return {
    proposalKinds,
    privacy,
    publication,
    reminderLeadHours,
    // Optional sections: present only when a version has them, so the founding version's text is unchanged.
    ...(membership && { membership }),
    ...(assembly && { assembly }),
  };
}

// RFC 7396, section 2: the algorithm is short enough to keep here rather than take a dependency.
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (value !== undefined) result[key] = mergePatch(result[key], value);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
