// Profile field rules that depend on the account's role or on the clock (the edge schema checks shapes).
import { isPlausibleBirthYear } from '../../policies/research/research-profile.js';
import type { Role } from '../auth/index.js';
import { InvalidRequest } from '../errors.js';
import type { ProfilePatch } from './members.model.js';

/** Refuses fields the role may not have and an implausible birth year, listing every problem at once. */
export function checkProfileRules(input: ProfilePatch, role: Role, now: Date): void {
  const details = [];
  if (input.birthYear !== undefined && !isPlausibleBirthYear(input.birthYear, now)) {
    details.push({ field: 'birthYear', code: 'implausible', message: 'Birth year is not plausible.' });
  }
  if (role !== 'member') {
    for (const field of ['birthYear', 'sex', 'region'] as const) {
      if (input[field] !== undefined) {
        details.push({ field, code: 'members_only', message: 'Only members have a research profile.' });
      }
    }
  }
  if (role !== 'researcher' && input.organisation !== undefined) {
    details.push({
      field: 'organisation',
      code: 'researchers_only',
      message: 'Only researchers name an organisation.',
    });
  }
  if (details.length > 0) throw new InvalidRequest('validation_failed', 'Some fields are not acceptable.', details);
}
