// The CapabilityStatement of GET /fhir/metadata: what this server really does, read from the same tables the
// search uses, and where SMART on FHIR apps get their tokens.
import { OBSERVATION_SEARCH_PARAMS } from './observation-search.js';

const SEARCH_DOCS: Record<keyof typeof OBSERVATION_SEARCH_PARAMS, string> = {
  code: 'LOINC code (system|code, |code or code); comma = OR',
  date: 'effective time; prefixes eq ne lt gt le ge sa eb; YYYY, YYYY-MM, YYYY-MM-DD or a dateTime',
  category: 'observation-category code (vital-signs, activity, laboratory)',
  patient: 'your own Patient id (any other matches nothing)',
  subject: 'your own Patient reference (any other matches nothing)',
  _count: 'page size, default 50, at most 200',
  _sort: 'date or -date',
};

/** The server's CapabilityStatement (R4 4.0.1, JSON only); `baseUrl` ends in /fhir, `version` is the software's. */
export function capabilityStatement(baseUrl: string, version: string, date: Date): Record<string, unknown> {
  const origin = baseUrl.replace(/\/fhir$/, '');
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: date.toISOString(),
    publisher: 'Datacoop',
    kind: 'instance',
    software: { name: 'Datacoop', version },
    implementation: { description: "Datacoop FHIR R4 API: the signed-in member's own data", url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation: "Every interaction reads or writes the caller's own data only; each is audited.",
        security: {
          cors: true,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                  display: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          description: 'Bearer tokens: a member session, or a SMART on FHIR app token with patient/* scopes.',
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'authorize', valueUri: `${origin}/oauth/authorize` },
                { url: 'token', valueUri: `${origin}/oauth/token` },
              ],
            },
          ],
        },
        resource: [
          {
            type: 'Observation',
            interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'create' }],
            versioning: 'no-version',
            readHistory: false,
            updateCreate: false,
            searchParam: Object.entries(OBSERVATION_SEARCH_PARAMS).map(([name, type]) => ({
              name,
              type,
              documentation: SEARCH_DOCS[name as keyof typeof OBSERVATION_SEARCH_PARAMS],
            })),
          },
          {
            type: 'Patient',
            interaction: [{ code: 'read' }],
            documentation: 'Patient/$me or Patient/<your id>: your own profile only',
          },
          { type: 'Consent', interaction: [{ code: 'read' }, { code: 'search-type' }] },
        ],
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
      },
    ],
  };
}
