// The pure mappings, each validated against the official R4 schema.
import { beforeAll, describe, expect, it } from 'vitest';
import { capabilityStatement } from '../../../../services/fhir/domain/capability-statement.js';
import { errorOutcome, issueTypeOf, warningOutcome } from '../../../../services/fhir/domain/operation-outcome.js';
import { toConsent, toPatient, versionInForce } from '../../../../services/fhir/domain/resources.js';
import { readBundleRequest } from '../../../../services/fhir/domain/bundle-request.js';
import { fhirSchema, fhirSchemaErrors } from '../../../helpers/fhir-schema.js';

beforeAll(() => void fhirSchema());

const consent = (
  categories: Record<string, 'none' | 'aggregate' | 'pseudonymised'>,
  optedOutPolicies: string[] = [],
) => ({
  categories,
  conditions: {
    nonCommercialOnly: true,
    notForProfitOnly: false,
    noAncestryResearch: false,
    ethicsApprovalRequired: false,
  },
  optedOutPolicies,
});

describe('toPatient', () => {
  it('shows only the profile’s fields, as valid R4', () => {
    const full = toPatient('abc', {
      name: 'A',
      email: 'a@example.org',
      birthYear: 1990,
      sex: 'unspecified',
      region: 'CH01',
    });
    expect(full).toMatchObject({ gender: 'unknown', birthDate: '1990' });
    expect(fhirSchemaErrors(full)).toEqual([]);
    const bare = toPatient('abc', { name: 'A', email: 'a@example.org' });
    expect(bare).not.toHaveProperty('gender');
    expect(bare).not.toHaveProperty('birthDate');
    expect(fhirSchemaErrors(bare)).toEqual([]);
  });
});

describe('toConsent', () => {
  it('permits the shared categories with their level, denies the rest and opted-out studies, as valid R4', () => {
    const resource = toConsent(
      'abc',
      {
        version: 2,
        recordedAt: new Date('2024-01-01T00:00:00Z'),
        consent: consent({ 'heart-rate': 'aggregate' }, ['policy-1']),
      },
      true,
    ) as any;
    expect(fhirSchemaErrors(resource)).toEqual([]);
    expect(resource).toMatchObject({ id: 'research-2', status: 'active', dateTime: '2024-01-01T00:00:00.000Z' });
    const provisions = resource.provision.provision;
    expect(provisions.filter((p: any) => p.type === 'permit')).toHaveLength(1);
    expect(provisions.at(-1)).toMatchObject({ type: 'deny', purpose: [{ code: 'policy-1' }] });
    expect(resource.provision.securityLabel).toEqual([expect.objectContaining({ code: 'nonCommercialOnly' })]);
  });

  it('takes the latest version recorded by now as the one in force', () => {
    const versions = [1, 2, 3].map((version) => ({
      version,
      recordedAt: new Date(Date.UTC(2024, version)),
      consent: consent({}),
    }));
    expect(versionInForce(versions, new Date(Date.UTC(2024, 2, 15)))).toBe(2);
    expect(versionInForce(versions, new Date(Date.UTC(2023, 0)))).toBeUndefined();
  });
});

describe('capabilityStatement and OperationOutcome', () => {
  it('are valid R4', () => {
    expect(fhirSchemaErrors(capabilityStatement('https://coop.example/fhir', '0.1.0', new Date()))).toEqual([]);
    expect(
      fhirSchemaErrors(errorOutcome(400, 'x', 'y', [{ field: 'date', code: 'invalid_parameter', message: 'm' }])),
    ).toEqual([]);
    expect(fhirSchemaErrors(warningOutcome(['ignored']))).toEqual([]);
  });

  it.each([
    [400, 'invalid'],
    [401, 'login'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [405, 'not-supported'],
    [406, 'not-supported'],
    [413, 'too-costly'],
    [415, 'not-supported'],
    [500, 'exception'],
    [503, 'transient'],
  ])('maps %i to %s', (status, type) => expect(issueTypeOf(status)).toBe(type));
});

describe('readBundleRequest', () => {
  const post = { request: { method: 'POST', url: 'Observation' }, resource: { resourceType: 'Observation' } };
  it('reads a transaction or batch of Observation creates', () => {
    expect(readBundleRequest({ resourceType: 'Bundle', type: 'batch', entry: [post] }).resources).toHaveLength(1);
  });
  it.each([
    [{ resourceType: 'Observation' }],
    [{ resourceType: 'Bundle', type: 'document', entry: [post] }],
    [{ resourceType: 'Bundle', type: 'transaction', entry: [] }],
    [
      {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ ...post, request: { method: 'PUT', url: 'Observation/1' } }],
      },
    ],
    [{ resourceType: 'Bundle', type: 'transaction', entry: [{ ...post, resource: { resourceType: 'Patient' } }] }],
  ])('refuses %j', (body) => expect(() => readBundleRequest(body)).toThrow(/Bundle/));
});
