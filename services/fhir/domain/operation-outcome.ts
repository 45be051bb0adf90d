// Errors as FHIR OperationOutcome: one table from HTTP status to the issue type (R4 IssueType value set), our stable
// error code in `details`, the message in `diagnostics`, the offending fields in `expression`. Never a stack.

export const ERROR_CODE_SYSTEM = 'https://datacoop.ch/fhir/CodeSystem/error-code';

/** R4 issue types for the statuses this API answers. */
const ISSUE_TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  409: 'conflict',
  410: 'deleted',
  412: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
  503: 'transient',
};

export interface OutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  details?: { coding?: { system: string; code: string }[]; text?: string };
  diagnostics?: string;
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OutcomeIssue[];
}

/** A problem with one field, as an error carries it. */
export interface FieldProblem {
  field?: string;
  code?: string;
  message: string;
  index?: number | null;
}

/** The issue type of an HTTP status (`exception` for anything else). */
export function issueTypeOf(status: number): string {
  return ISSUE_TYPE_BY_STATUS[status] ?? (status >= 500 ? 'exception' : 'invalid');
}

/** The OperationOutcome of an error: one issue for the error itself, one per problem it lists (at most 100). */
export function errorOutcome(
  status: number,
  code: string,
  message: string,
  problems: readonly FieldProblem[] = [],
): OperationOutcome {
  const type = issueTypeOf(status);
  const severity: OutcomeIssue['severity'] = status >= 500 ? 'fatal' : 'error';
  return {
    resourceType: 'OperationOutcome',
    issue: [
      { severity, code: type, details: { coding: [{ system: ERROR_CODE_SYSTEM, code }], text: message } },
      ...problems.slice(0, 100).map((p) => ({
        severity,
        code: p.code === 'unknown_parameter' ? 'not-supported' : type,
        ...(p.code && { details: { coding: [{ system: ERROR_CODE_SYSTEM, code: p.code }] } }),
        diagnostics: p.message,
        ...(p.field && { expression: [expressionOf(p)] }),
      })),
    ],
  };
}

/** A warning outcome (ignored parameters of a lenient search), sent as a Bundle entry. */
export function warningOutcome(messages: readonly string[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: messages.map((diagnostics) => ({ severity: 'warning', code: 'not-supported', diagnostics })),
  };
}

// A row of a Bundle upload is `entry[i]`, of a single resource the resource itself.
function expressionOf(problem: FieldProblem): string {
  const field = problem.field!;
  return typeof problem.index === 'number' ? `Bundle.entry[${problem.index}].resource.${field}` : field;
}
