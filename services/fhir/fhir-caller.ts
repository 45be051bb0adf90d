// Who calls the FHIR API: a member, with the scopes their credential carries (a session: all; an app: its grant's).
import type Koa from 'koa';

/** The SMART scopes Datacoop grants: the member's own data only. */
export type FhirScope = 'patient/Observation.rs' | 'patient/Observation.c' | 'patient/Patient.r' | 'patient/Consent.r';

/** The caller of a FHIR request: whose data, what it may do, and through which app (absent: the member's session). */
export interface FhirCaller {
  memberId: string;
  scopes: ReadonlySet<FhirScope>;
  appId?: string;
}

/** Finds the caller of a request from its credentials; undefined when the credentials are not of its kind. */
export type FhirCallerResolver = (ctx: Koa.Context) => Promise<FhirCaller | undefined>;
