// The FHIR R4 API against the real service and database: every answer validated against the official R4 schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { fhirSchema, fhirSchemaErrors } from '../helpers/fhir-schema.js';
import { createTestApp, type TestApp, type RequestOptions } from '../helpers/test-app.js';

let app: TestApp;
let anna: BuiltAccount;
let other: BuiltAccount;

const heartRate = (at: string, value: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  effectiveDateTime: at,
  valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});
const weight = (at: string, value: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
  effectiveDateTime: at,
  valueQuantity: { value, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
});

/** A FHIR request; every answer must be valid R4 and FHIR JSON, whatever its status. */
async function fhir(method: string, path: string, options: RequestOptions = {}) {
  const response = await app.request(method, path, options);
  expect(response.headers.get('content-type')).toBe('application/fhir+json; fhirVersion=4.0');
  expect(fhirSchemaErrors(response.body)).toEqual([]);
  return response;
}
const post = (member: BuiltAccount, path: string, resource: unknown, headers: Record<string, string> = {}) =>
  fhir('POST', path, {
    rawBody: JSON.stringify(resource),
    token: member.accessToken,
    headers: { 'content-type': 'application/fhir+json', ...headers },
  });
const get = (member: BuiltAccount | undefined, path: string, headers: Record<string, string> = {}) =>
  fhir('GET', path, { ...(member && { token: member.accessToken }), headers });

beforeAll(async () => {
  fhirSchema();
  app = await createTestApp();
  anna = await registerAndLogin(app, { name: 'Anna Muster', birthYear: 1980, sex: 'female', region: 'CH04' });
  other = await registerAndLogin(app);
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      ...[
        '2024-02-28T10:00:00Z',
        '2024-03-01T00:00:00Z',
        '2024-03-15T08:30:00Z',
        '2024-03-31T23:59:59Z',
        '2024-04-01T00:00:00Z',
      ].map((at, i) => ({ resource: heartRate(at, 60 + i), request: { method: 'POST', url: 'Observation' } })),
      { resource: weight('2024-03-10T07:00:00Z', 72.5), request: { method: 'POST', url: 'Observation' } },
    ],
  };
  const created = await post(anna, '/fhir', bundle);
  expect(created.status).toBe(200);
}, 60_000);
afterAll(() => app.close());

describe('GET /fhir/metadata', () => {
  it('is a CapabilityStatement for R4 JSON naming the supported search parameters and SMART', async () => {
    const response = await get(undefined, '/fhir/metadata');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      format: ['json'],
    });
    const rest = response.body.rest[0];
    const observation = rest.resource.find((r: any) => r.type === 'Observation');
    expect(observation.searchParam.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['code', 'date', 'category', '_count', '_sort']),
    );
    expect(rest.security.service[0].coding[0].code).toBe('SMART-on-FHIR');
    const uris = rest.security.extension[0];
    expect(uris.url).toBe('http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris');
    expect(uris.extension.map((e: any) => e.valueUri)).toEqual([
      `${app.config.publicUrl}/oauth/authorize`,
      `${app.config.publicUrl}/oauth/token`,
    ]);
  });

  it('answers _format=json, and 406 for XML', async () => {
    expect((await get(undefined, '/fhir/metadata?_format=json')).status).toBe(200);
    expect((await get(undefined, '/fhir/metadata?_format=xml')).status).toBe(406);
    const xml = await get(undefined, '/fhir/metadata', { accept: 'application/fhir+xml' });
    expect(xml.status).toBe(406);
    expect(xml.body.issue[0].code).toBe('not-supported');
  });
});

describe('GET /fhir/Observation', () => {
  const ids = (bundle: any) => bundle.entry.filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource);
  const times = (bundle: any) => ids(bundle).map((o: any) => o.effectiveDateTime);

  it('finds the member’s own observations in a searchset Bundle with totals and full URLs', async () => {
    const response = await get(anna, '/fhir/Observation');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 6 });
    const entry = response.body.entry[0];
    expect(entry.fullUrl).toBe(`${app.config.publicUrl}/fhir/Observation/${entry.resource.id}`);
    expect(entry.resource.subject.reference).toBe(`Patient/${anna.id}`);
    expect((await get(other, '/fhir/Observation')).body.total).toBe(0);
  });

  it.each([
    ['code=http://loinc.org|8867-4', 5],
    ['code=8867-4', 5],
    ['code=|29463-7', 1],
    ['code=8867-4,29463-7', 6],
    ['code=http://snomed.info/sct|8867-4', 0],
    ['category=vital-signs', 6],
    ['category=laboratory', 0],
    ['date=2024-03', 4],
    ['date=eq2024-03', 4],
    ['date=ne2024-03', 2],
    ['date=lt2024-03', 1],
    ['date=le2024-03', 5],
    ['date=gt2024-03', 1],
    ['date=ge2024-03', 5],
    ['date=sa2024-03-15', 2],
    ['date=eb2024-03-01', 1],
    ['date=ge2024-03&date=lt2024-04', 4],
    ['date=2024-03-15T08:30:00Z', 1],
    ['date=2024-03-15T09:30:00%2B01:00', 1],
    ['code=8867-4&date=2024-03', 3],
    [`patient=Patient/other`, 0],
  ])('%s matches %i', async (query, total) => {
    const response = await get(anna, `/fhir/Observation?${query}`);
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(total);
  });

  it('sorts by date either way', async () => {
    const up = times((await get(anna, '/fhir/Observation?_sort=date')).body);
    const down = times((await get(anna, '/fhir/Observation?_sort=-date')).body);
    expect(up).toEqual([...up].sort());
    expect(down).toEqual([...up].reverse());
  });

  it('pages with next and previous links until every match was seen once', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/fhir/Observation?_count=2&_sort=date';
    let pages = 0;
    while (url) {
      const response = await get(anna, url);
      expect(response.status).toBe(200);
      seen.push(...ids(response.body).map((o: any) => o.id));
      const link = (relation: string) => response.body.link.find((l: any) => l.relation === relation)?.url;
      if (pages > 0) expect(link('previous')).toBeDefined();
      url = link('next')?.replace(app.config.publicUrl, '');
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(6);
  });

  it('refuses a paging token that was altered, or used for another search or by another member', async () => {
    const first = await get(anna, '/fhir/Observation?_count=2');
    const next = first.body.link.find((l: any) => l.relation === 'next').url.replace(app.config.publicUrl, '');
    const token = new URL(next, app.baseUrl).searchParams.get('_cursor')!;
    const forged = `${Buffer.from(JSON.stringify({ o: 0 })).toString('base64url')}.${token.split('.')[1]}`;
    for (const [member, path] of [
      [anna, `/fhir/Observation?_count=2&_cursor=${forged}`],
      [anna, `/fhir/Observation?_count=3&_cursor=${token}`],
      [other, next],
    ] as const) {
      const response = await get(member, path);
      expect(response.status).toBe(400);
      expect(response.body.issue[0].details.coding[0].code).toBe('invalid_cursor');
    }
  });

  it('serves _count 0 as the total only, a larger _count as 200', async () => {
    const none = await get(anna, '/fhir/Observation?_count=0');
    expect(none.body).toMatchObject({ total: 6 });
    expect(none.body.entry).toEqual([]);
    expect((await get(anna, '/fhir/Observation?_count=5000')).status).toBe(200);
  });

  it.each([
    ['unknown parameter', 'foo=bar', 'unknown_search_parameter', 'foo'],
    ['unknown modifier', 'code:text=heart', 'unknown_search_parameter', 'code:text'],
    ['bad date prefix', 'date=xx2024-03', 'invalid_search_parameter', 'date'],
    ['impossible date', 'date=2024-13', 'invalid_search_parameter', 'date'],
    ['bad _count', '_count=ten', 'invalid_search_parameter', '_count'],
    ['negative _count', '_count=-1', 'invalid_search_parameter', '_count'],
    ['bad _sort', '_sort=value', 'invalid_search_parameter', '_sort'],
  ])('refuses a %s with a 400 OperationOutcome', async (_name, query, code, param) => {
    const response = await get(anna, `/fhir/Observation?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(response.body.issue[0].details.coding[0].code).toBe(code);
    expect(response.body.issue[1].expression).toEqual([param]);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts/);
  });

  it('ignores an unknown parameter under Prefer: handling=lenient and says so', async () => {
    const response = await get(anna, '/fhir/Observation?foo=bar&code=8867-4', { prefer: 'handling=lenient' });
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(5);
    const self = response.body.link.find((l: any) => l.relation === 'self').url;
    expect(self).toContain('code=8867-4');
    expect(self).not.toContain('foo');
    const outcome = response.body.entry.find((e: any) => e.search.mode === 'outcome');
    expect(outcome.resource.issue[0]).toMatchObject({ severity: 'warning', code: 'not-supported' });
  });
});

describe('GET /fhir/Observation/:id', () => {
  it('reads one of the member’s observations, and answers the same 404 for another member’s or an unknown id', async () => {
    const search = await get(anna, '/fhir/Observation?code=29463-7');
    const id = search.body.entry[0].resource.id;
    const read = await get(anna, `/fhir/Observation/${id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('W/"1"');
    expect(read.body).toMatchObject({ resourceType: 'Observation', id, valueQuantity: { value: 72.5, code: 'kg' } });
    const theirs = await get(other, `/fhir/Observation/${id}`);
    const unknown = await get(anna, '/fhir/Observation/0000000000000000-0');
    expect(theirs.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(theirs.body).toEqual(unknown.body);
  });
});

describe('POST /fhir/Observation', () => {
  it('creates through the upload path: 201, Location, ETag, the resource; a retry with the Idempotency-Key replays', async () => {
    const member = await registerAndLogin(app);
    const body = heartRate('2024-05-01T12:00:00Z', 71);
    const created = await post(member, '/fhir/Observation', body, { 'idempotency-key': 'fhir-create-1' });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.headers.get('location')).toBe(
      `${app.config.publicUrl}/fhir/Observation/${created.body.id}/_history/1`,
    );
    expect(created.body).toMatchObject({ resourceType: 'Observation', valueQuantity: { value: 71 } });
    const again = await post(member, '/fhir/Observation', body, { 'idempotency-key': 'fhir-create-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(created.body.id);
    const reused = await post(member, '/fhir/Observation', heartRate('2024-05-01T12:00:00Z', 90), {
      'idempotency-key': 'fhir-create-1',
    });
    expect(reused.status).toBe(409);
    expect((await get(member, '/fhir/Observation')).body.total).toBe(1);
  });

  it('refuses an invalid Observation with the upload’s problems, storing nothing', async () => {
    const member = await registerAndLogin(app);
    const response = await post(member, '/fhir/Observation', heartRate('2024-05-01T12:00:00Z', 900));
    expect(response.status).toBe(400);
    expect(response.body.issue[0].details.coding[0].code).toBe('invalid_observations');
    expect(response.body.issue.length).toBeGreaterThan(1);
    const notObservation = await post(member, '/fhir/Observation', { resourceType: 'Patient' });
    expect(notObservation.status).toBe(400);
    expect((await get(member, '/fhir/Observation')).body.total).toBe(0);
  });

  it('answers 415 for another content type, 413 for an oversized body and 400 for broken JSON', async () => {
    const wrongType = await fhir('POST', '/fhir/Observation', {
      rawBody: JSON.stringify(heartRate('2024-05-01T12:00:00Z', 70)),
      token: anna.accessToken,
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.issue[0].code).toBe('not-supported');
    const huge = await fhir('POST', '/fhir/Observation', {
      rawBody: `{"resourceType":"Observation","note":[{"text":"${'x'.repeat(app.config.upload.bodyLimitBytes)}"}]}`,
      token: anna.accessToken,
      headers: { 'content-type': 'application/fhir+json' },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.issue[0].code).toBe('too-costly');
    const broken = await fhir('POST', '/fhir/Observation', {
      rawBody: '{"resourceType":',
      token: anna.accessToken,
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
  });
});

describe('POST /fhir (Bundle)', () => {
  const entry = (resource: unknown) => ({ resource, request: { method: 'POST', url: 'Observation' } });

  it('stores nothing of a transaction with one bad entry', async () => {
    const member = await registerAndLogin(app);
    const response = await post(member, '/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [entry(heartRate('2024-05-01T12:00:00Z', 70)), entry(heartRate('2024-05-01T13:00:00Z', 9000))],
    });
    expect(response.status).toBe(400);
    expect(response.body.issue.some((i: any) => i.expression?.[0]?.startsWith('Bundle.entry[1]'))).toBe(true);
    expect((await get(member, '/fhir/Observation')).body.total).toBe(0);
  });

  it('answers a transaction-response with a 201 per entry', async () => {
    const member = await registerAndLogin(app);
    const response = await post(member, '/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [entry(heartRate('2024-05-01T12:00:00Z', 70)), entry(weight('2024-05-01T12:00:00Z', 80))],
    });
    expect(response.status).toBe(200);
    expect(response.body.type).toBe('transaction-response');
    expect(response.body.entry.map((e: any) => e.response.status)).toEqual(['201 Created', '201 Created']);
  });

  it('stores the good entries of a batch and answers an OperationOutcome for the bad one', async () => {
    const member = await registerAndLogin(app);
    const response = await post(member, '/fhir', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [entry(heartRate('2024-05-01T12:00:00Z', 70)), entry(heartRate('2024-05-01T13:00:00Z', 9000))],
    });
    expect(response.status).toBe(200);
    expect(response.body.type).toBe('batch-response');
    expect(response.body.entry[0].response.status).toBe('201 Created');
    expect(response.body.entry[1].response.status).toBe('400');
    expect(response.body.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
    expect((await get(member, '/fhir/Observation')).body.total).toBe(1);
  });

  it('refuses a Bundle that is not a transaction or batch of Observation creates', async () => {
    const response = await post(anna, '/fhir', { resourceType: 'Bundle', type: 'collection', entry: [] });
    expect(response.status).toBe(400);
    const deletes = await post(anna, '/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ request: { method: 'DELETE', url: 'Observation/x' } }],
    });
    expect(deletes.status).toBe(400);
    expect(deletes.body.issue[1].expression).toEqual(['entry[0].request']);
  });
});

describe('Patient and Consent', () => {
  it('reads the member’s own Patient as $me or by id; another id is 404', async () => {
    const me = await get(anna, '/fhir/Patient/$me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      resourceType: 'Patient',
      id: anna.id,
      name: [{ text: 'Anna Muster' }],
      gender: 'female',
      birthDate: '1980',
      telecom: [{ system: 'email', value: anna.email }],
    });
    expect((await get(anna, `/fhir/Patient/${anna.id}`)).body).toEqual(me.body);
    expect((await get(anna, `/fhir/Patient/${other.id}`)).status).toBe(404);
  });

  it('lists the member’s research consent versions as Consent resources, the one in force active', async () => {
    const member = await registerAndLogin(app);
    const none = await get(member, '/fhir/Consent');
    expect(none.body.total).toBe(0);
    const consent = (categories: Record<string, string>) => ({
      categories,
      conditions: {
        nonCommercialOnly: true,
        notForProfitOnly: false,
        noAncestryResearch: false,
        ethicsApprovalRequired: false,
      },
      optedOutPolicies: [],
    });
    expect(
      (
        await app.request('PUT', '/api/me/consent', {
          token: member.accessToken,
          body: consent({ 'heart-rate': 'aggregate' }),
        })
      ).status,
    ).toBe(200);
    app.clock.advance(1_000);
    expect(
      (
        await app.request('PUT', '/api/me/consent', {
          token: member.accessToken,
          body: consent({ 'heart-rate': 'pseudonymised', 'sleep-duration': 'aggregate' }),
        })
      ).status,
    ).toBe(200);
    const list = await get(member, '/fhir/Consent');
    expect(list.body.total).toBe(2);
    const [newest, older] = list.body.entry.map((e: any) => e.resource);
    expect(newest).toMatchObject({ id: 'research-2', status: 'active', scope: { coding: [{ code: 'research' }] } });
    expect(older).toMatchObject({ id: 'research-1', status: 'inactive' });
    const heart = newest.provision.provision.find((p: any) => p.code[0].coding[0].code === '8867-4');
    expect(heart).toMatchObject({ type: 'permit', action: [{ coding: [{ code: 'pseudonymised' }] }] });
    expect(newest.provision.provision.find((p: any) => p.code?.[0].coding[0].code === '29463-7').type).toBe('deny');
    expect((await get(member, '/fhir/Consent/research-1')).body).toEqual(older);
    expect((await get(anna, '/fhir/Consent/research-1')).status).toBe(404);
  });
});

describe('who may call /fhir', () => {
  it('answers 401 without a token or with a bad one', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const response = await fhir(
        'GET',
        '/fhir/Observation',
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
      expect(response.status).toBe(401);
      expect(response.body.issue[0].code).toBe('login');
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
    }
  });

  it('refuses researchers and stewards with 403', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni' });
    const steward = await createStewardAndLogin(app);
    for (const account of [researcher, steward]) {
      const response = await get(account, '/fhir/Patient/$me');
      expect(response.status).toBe(403);
      expect(response.body.issue[0].code).toBe('forbidden');
    }
  });

  it('answers 404 for an unknown type and 405 for a method the path does not take, as OperationOutcomes', async () => {
    expect((await get(anna, '/fhir/Medication')).status).toBe(404);
    const deleted = await fhir('DELETE', '/fhir/Observation', { token: anna.accessToken });
    expect(deleted.status).toBe(405);
    expect(deleted.body.issue[0].code).toBe('not-supported');
  });
});

describe('hostile input', () => {
  it.each([
    '/fhir/Observation/..%2F..%2Fapi%2Fme',
    '/fhir/Observation/%24where',
    `/fhir/Observation/${'a'.repeat(5000)}`,
  ])('answers 404 for the id in %s', async (path) => {
    expect((await get(anna, path.slice(0, 200))).status).toBe(404);
  });

  it('refuses query operators in a body and a malformed Idempotency-Key with a 400 OperationOutcome', async () => {
    const operator = await post(anna, '/fhir/Observation', { ...heartRate('2024-05-01T12:00:00Z', 70), $where: '1' });
    expect(operator.status).toBe(400);
    expect(operator.body.issue[0].details.coding[0].code).toBe('forbidden_key');
    const key = await post(anna, '/fhir/Observation', heartRate('2024-05-01T12:00:00Z', 70), {
      'idempotency-key': 'with space',
    });
    expect(key.status).toBe(400);
    expect(key.body.issue[0].details.coding[0].code).toBe('invalid_idempotency_key');
  });

  it('lets no query parameter of another member reach their data', async () => {
    const response = await get(other, `/fhir/Observation?patient=${anna.id}&subject=Patient/${anna.id}`);
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(0);
  });
});

describe('audit', () => {
  it('records every FHIR read and write in the member’s own audit entries, without values', async () => {
    const member = await registerAndLogin(app);
    await post(member, '/fhir/Observation', heartRate('2024-05-01T12:00:00Z', 77));
    await get(member, '/fhir/Observation');
    await get(member, '/fhir/Patient/$me');
    const entries = await app.request('GET', '/api/me/audit-entries?limit=20', { token: member.accessToken });
    const types = entries.body.entries.map((e: any) => e.type);
    expect(types).toEqual(expect.arrayContaining(['fhir.create', 'fhir.search', 'fhir.read']));
    const fhirEntries = entries.body.entries.filter((e: any) => e.type.startsWith('fhir.'));
    // What an entry says of the operation is its `data`: the value is never in it. (Checked there, not in the whole
    // entry, whose hashed actor, sequence number and time may hold the digits 77 by chance.)
    expect(JSON.stringify(fhirEntries.map((e: any) => e.data))).not.toContain('77');
    expect(JSON.stringify(fhirEntries)).not.toContain(member.id);
  });
});
