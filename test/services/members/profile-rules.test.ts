import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../../services/errors.js';
import { checkProfileRules } from '../../../services/members/profile-rules.js';
import type { ProfilePatch } from '../../../services/members/index.js';
import type { Role } from '../../../services/auth/index.js';

const now = new Date('2026-06-01T00:00:00Z');

function problems(patch: ProfilePatch, role: Role): { field: string; code: string }[] {
  try {
    checkProfileRules(patch, role, now);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidRequest)) throw error;
    expect(error.code).toBe('validation_failed');
    return (error.details ?? []).map(({ field, code }) => ({ field: field!, code }));
  }
}

describe('profile rules', () => {
  it.each<[string, ProfilePatch, Role, { field: string; code: string }[]]>([
    ['a member with a research profile', { birthYear: 1980, sex: 'female', region: 'CH01' }, 'member', []],
    ['a researcher naming an organisation', { organisation: 'University of Bern' }, 'researcher', []],
    ['a name change for anyone', { name: 'New Name' }, 'steward', []],
    ['an implausible birth year', { birthYear: 2030 }, 'member', [{ field: 'birthYear', code: 'implausible' }]],
    [
      'a research profile on a researcher',
      { sex: 'male', region: 'CH02' },
      'researcher',
      [
        { field: 'sex', code: 'members_only' },
        { field: 'region', code: 'members_only' },
      ],
    ],
    [
      'an organisation on a member',
      { organisation: 'Acme' },
      'member',
      [{ field: 'organisation', code: 'researchers_only' }],
    ],
    [
      'every problem at once',
      { birthYear: 1700, organisation: 'Acme' },
      'steward',
      [
        { field: 'birthYear', code: 'implausible' },
        { field: 'birthYear', code: 'members_only' },
        { field: 'organisation', code: 'researchers_only' },
      ],
    ],
  ])('%s', (_, patch, role, expected) => {
    expect(problems(patch, role)).toEqual(expected);
  });
});
