// Who calls the FHIR API: a member, with the scopes their credential grants. The composition root hands the /fhir
// router a list of resolvers (the member's own session here; the SMART on FHIR app tokens join them later).
import type { Context } from 'koa';

/** SMART App Launch 2 scopes of the member's own data (`patient/…`), the only ones this API knows. */
export type FhirScope = 'patient/Observation.rs' | 'patient/Observation.c' | 'patient/Patient.r' | 'patient/Consent.r';

/** Every scope: what a member's own session may do. */
export const ALL_FHIR_SCOPES: ReadonlySet<FhirScope> = new Set<FhirScope>([
  'patient/Observation.rs',
  'patient/Observation.c',
  'patient/Patient.r',
  'patient/Consent.r',
]);

/** The caller of a FHIR request: whose data (always their own), what they may do, and the app acting for them. */
export interface FhirCaller {
  memberId: string;
  scopes: ReadonlySet<FhirScope>;
  /** The registered app acting for the member (SMART tokens); absent for the member's own session. */
  appId?: string;
}

/**
 * Finds the caller of a request from its credentials: undefined when this resolver does not recognise them (the next
 * one is asked; none → 401); it throws an AppError to refuse outright (403 for a role that has no vault).
 */
export type FhirCallerResolver = (ctx: Context) => Promise<FhirCaller | undefined>;
