// The service's JSON as the front end reads and sends it, named once here and taken from the server itself:
// request bodies from the routes' zod schemas, responses from the presenters, rule vocabularies from policies/.
// Only types cross (`import type`, erased from the bundle; eslint.config.js keeps it so), so a change to a
// shape on the server breaks the web typecheck instead of the page.
import type { z } from 'zod';
import type { BallotChoice } from '../../policies/assembly/ballot-receipts.js';
import type { Bylaws as BylawsRules } from '../../policies/assembly/bylaws.js';
import type { Statistic, AccessLevel } from '../../policies/research/access-policy.js';
import type { ConsentConditions } from '../../policies/research/consent.js';
import type { GroupByDimension } from '../../policies/research/group-by.js';
import type { AuditVerification as ServerAuditVerification } from '../../services/audit/index.js';
import type { ErrorDetail as ServerErrorDetail } from '../../services/errors.js';
import type { importResultSchema } from '../../services/http/routes/imports/imports.schema.js';
import type {
  notificationListSchema,
  notificationSettingsSchema,
} from '../../services/http/routes/me/notifications.schema.js';
import type { presentAccount } from '../../services/http/routes/auth/account.presenter.js';
import type { researcherSchema } from '../../services/http/routes/steward/researchers.routes.js';
import type { VerificationMethod as ServerVerificationMethod } from '../../services/members/index.js';
import type { tokenPairSchema } from '../../services/http/routes/auth/auth.schema.js';
import type { presentRegisterEntry } from '../../services/http/routes/membership/membership.presenter.js';
import type { membershipRulesResponse } from '../../services/http/routes/membership/membership.schema.js';
import type {
  observationSchema,
  seriesSchema,
  uploadResultSchema,
} from '../../services/http/routes/observations/observations.schema.js';
import type {
  presentBylaws,
  presentPendingVotes,
  presentProposal,
  presentResults,
} from '../../services/http/routes/proposals/proposals.presenter.js';
import type { ballotReceiptSchema } from '../../services/http/routes/proposals/proposals.schema.js';
import type { mandateSchema } from '../../services/http/routes/proposals/proxies.schema.js';
import type { postSchema, threadSchema } from '../../services/http/routes/proposals/discussion.schema.js';
import type { publicRecordSchema, publicResultsSchema } from '../../services/http/routes/public/public.schema.js';
import type {
  presentAccessLogEntry,
  presentConsent,
  presentMemberStudy,
  presentImpact,
  presentInclusion,
  presentInsights,
  presentPolicy,
  presentQueryAnswer,
  presentRequest,
} from '../../services/http/routes/research/research.presenter.js';
import type { queryBody, requestBody } from '../../services/http/routes/research/research.schema.js';
import type { presentAppAccess } from '../../services/http/routes/apps/apps.presenter.js';
import type { UploadProblemDetail } from '../../services/vault/index.js';

export type { ConsentLevel, Consent } from '../../policies/research/consent.js';
export type { Fraction } from '../../policies/shared/fraction.js';
export type { Statistic };

/** What JSON.stringify makes of a server value: instants become ISO 8601 strings. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? Json<Item>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

// Accounts and sessions.
export type Account = ReturnType<typeof presentAccount>;
/** A researcher as stewards see them, with the evidence of their verification. */
export type StewardResearcher = z.infer<typeof researcherSchema>;
export type VerificationMethod = ServerVerificationMethod;
export type Role = Account['role'];
export type Membership = NonNullable<Account['membership']>;
export type RegisterEntry = ReturnType<typeof presentRegisterEntry>;
export type MembershipRules = z.infer<typeof membershipRulesResponse>;
export type TokenPair = z.infer<typeof tokenPairSchema>;
/** One problem in `error.details`; an upload's also names its 0-based row (null: the whole body). */
export type ErrorDetail = ServerErrorDetail & Partial<Pick<UploadProblemDetail, 'index'>>;

// The member's vault.
export type Observation = z.infer<typeof observationSchema>;
/** One value typed in by hand (POST /api/me/observations as JSON): an observation without what the server sets. */
export type NewObservation = Omit<Observation, 'id' | 'source'>;
export type Series = z.infer<typeof seriesSchema>;
export type Bucket = Series['bucket'];
export type UploadResult = z.infer<typeof uploadResultSchema>;
export type ImportResult = z.infer<typeof importResultSchema>;
export type ImportFormat = ImportResult['format'];

// The general assembly.
export type Choice = BallotChoice;
export type Proposal = ReturnType<typeof presentProposal>;
export type ProposalStatus = Proposal['status'];
export type ProposalKind = Proposal['kind'];
export type PendingVote = ReturnType<typeof presentPendingVotes>['votes'][number];
export type BallotReceipt = z.infer<typeof ballotReceiptSchema>;
/** GET /api/proposals/:id/proxy: the proxy you named, or the member you represent. */
export type Mandate = z.infer<typeof mandateSchema>;
/** GET /api/proposals/:id/discussion */
export type Thread = z.infer<typeof threadSchema>;
export type ThreadPost = z.infer<typeof postSchema>;
export type Results = ReturnType<typeof presentResults>;
type BylawsAnswer = ReturnType<typeof presentBylaws>;
/** GET /api/bylaws; the bylaws in force are sent whole, in the shape policies/assembly/bylaws.ts checks. */
export type Bylaws = Omit<BylawsAnswer, 'inForce'> & {
  inForce: Omit<BylawsAnswer['inForce'], 'bylaws'> & { bylaws: BylawsRules };
};
export type AuditVerification = ServerAuditVerification;

// Research.
export type GroupDimension = GroupByDimension;
export type { AccessLevel };
export type AccessRequestBody = z.input<typeof requestBody>;
export type DuoPermission = AccessRequestBody['duo']['permission'];
export type DuoModifier = NonNullable<AccessRequestBody['duo']['modifiers']>[number];
export type ResearchRequest = ReturnType<typeof presentRequest>;
export type Policy = ReturnType<typeof presentPolicy>;
export type ImpactPreview = ReturnType<typeof presentImpact>;
/** The member's own inclusion in an access-policy proposal, by their consent (GET /api/proposals/:id/my-inclusion). */
export type Inclusion = ReturnType<typeof presentInclusion>;
export type CategoryInclusion = Inclusion['categories'][number];
export type CategoryImpact = ImpactPreview['categories'][number];
export type QueryInput = z.input<typeof queryBody>;
export type QueryAnswer = Json<ReturnType<typeof presentQueryAnswer>>;
export type Cell = QueryAnswer['results'][number]['cells'][number];

// The member's consent and what they see of research.
export type ConditionName = keyof ConsentConditions;
export type ConsentView = ReturnType<typeof presentConsent>;
/** What one consent version changed against the one before. */
export type { ConsentChange } from '../../policies/research/consent-diff.js';
/** GET /api/me/studies: an active study and whether this member's data is in it, per category. */
export type MemberStudy = ReturnType<typeof presentMemberStudy>;
/** A research use of the member's data, or a connected app's read or write (`kind: 'app'`). */
export type AccessLogEntry = ReturnType<typeof presentAccessLogEntry> | ReturnType<typeof presentAppAccess>;
export type Insight = Json<ReturnType<typeof presentInsights>>;

/** GET /api/public/record: policies, requests, counted proposals and audit checkpoints, readable by anyone. */
export type PublicRecord = z.infer<typeof publicRecordSchema>;
/** GET /api/public/proposals/:id: one counted proposal and its ballot list by receipt. */
export type PublicResults = z.infer<typeof publicResultsSchema>;

// Notifications.
export type NotificationList = z.infer<typeof notificationListSchema>;
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;
