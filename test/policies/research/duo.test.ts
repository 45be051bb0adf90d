import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DUO_ATTRIBUTION,
  DUO_MODIFIERS,
  DUO_PERMISSIONS,
  duoModifierCodes,
  duoPermissionCodes,
  findDuoTerm,
  mayIncludeAncestryResearch,
  validateDuoUse,
} from '../../../policies/research/duo.js';

describe('DUO terms', () => {
  it('ships the attribution CC-BY-4.0 asks for', () => {
    expect(DUO_ATTRIBUTION).toBe('Data Use Ontology, GA4GH / EBI');
  });

  it('knows exactly the permission and modifier codes listed in duo.json', () => {
    expect(DUO_PERMISSIONS.map((t) => t.code).sort()).toEqual([...duoPermissionCodes].sort());
    expect(DUO_MODIFIERS.map((t) => t.code).sort()).toEqual([...duoModifierCodes].sort());
  });

  it('matches the shared reference file where it is available', () => {
    let csv: string;
    try {
      csv = readFileSync(new URL('../../../../shared/reference-data/duo.csv', import.meta.url), 'utf8');
    } catch {
      return; // the copy in policies/ is the one that ships
    }
    for (const term of [...DUO_PERMISSIONS, ...DUO_MODIFIERS]) expect(csv).toContain(`${term.id},${term.code},`);
  });

  it('finds a term with its ontology id', () => {
    expect(findDuoTerm('NCU')?.id).toBe('DUO:0000046');
    expect(findDuoTerm('XYZ')).toBeUndefined();
  });
});

describe('validateDuoUse', () => {
  it.each([
    ['HMB with NCU and IRB', 'HMB', ['NCU', 'IRB'], undefined],
    ['GRU with NPOA', 'GRU', ['NPOA'], undefined],
    ['NRES alone', 'NRES', [], undefined],
    ['DS with its disease', 'DS', ['PUB'], 'MONDO:0005148'],
    ['POA alone', 'POA', [], undefined],
  ])('accepts %s', (_name, permission, modifiers, disease) => {
    expect(validateDuoUse(permission, modifiers, disease)).toEqual([]);
  });

  it.each([
    ['an unknown permission', 'XYZ', [], undefined, 'unknown_duo_permission'],
    ['a modifier as permission', 'NCU', [], undefined, 'unknown_duo_permission'],
    ['an unknown modifier', 'HMB', ['NOPE'], undefined, 'unknown_duo_modifier'],
    ['modifiers that are not an array', 'HMB', 'NCU', undefined, 'unknown_duo_modifier'],
    ['a modifier twice', 'HMB', ['NCU', 'NCU'], undefined, 'duplicate_duo_modifier'],
    ['POA with NPOA', 'POA', ['NPOA'], undefined, 'duo_conflict'],
    ['NRES with a modifier', 'NRES', ['NCU'], undefined, 'duo_conflict'],
    ['GSO on non-genetic data', 'HMB', ['GSO'], undefined, 'duo_conflict'],
    ['DS without a disease', 'DS', [], undefined, 'duo_conflict'],
    ['a disease without DS', 'HMB', [], 'asthma', 'duo_conflict'],
  ])('refuses %s', (_name, permission, modifiers, disease, code) => {
    expect(validateDuoUse(permission, modifiers, disease).map((p) => p.code)).toContain(code);
  });
});

describe('ancestry research', () => {
  it.each([
    ['POA', [], true],
    ['GRU', [], true],
    ['GRU', ['NPOA'], false],
    ['NRES', [], true],
    ['HMB', [], false],
    ['DS', [], false],
  ] as const)('%s %j may include ancestry research: %s', (permission, modifiers, expected) => {
    expect(mayIncludeAncestryResearch({ permission, modifiers })).toBe(expected);
  });
});
