// The DUO terms as members and researchers read them: every permission and modifier the service accepts, in the
// order the request form offers them, with its ontology id from the service's own policies/research/duo.json
// (Data Use Ontology, GA4GH / EBI, CC-BY-4.0). The label and the one-sentence explanation of each are in i18n
// (`duo.<code>`, `duoExplain.<code>`), EN and FR; test/web/duo-terms.test.ts checks that none is missing.
import duo from '../../policies/research/duo.json' with { type: 'json' };
import type { DuoModifier, DuoPermission } from '../api/types.js';
import { hasMessage, t } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';

/** Permissions, broadest last: the form preselects the first. */
export const duoPermissions: readonly DuoPermission[] = ['HMB', 'DS', 'GRU', 'POA', 'NRES'];

/**
 * Modifiers the form offers, most asked for first. GSO (genetic studies only) is left out: the cooperative holds
 * no genetic data and the service refuses it.
 */
export const duoModifiers: readonly DuoModifier[] = [
  'NPUNCU',
  'NCU',
  'NPU',
  'IRB',
  'PUB',
  'NPOA',
  'COL',
  'RTN',
  'MOR',
  'TS',
  'US',
  'IS',
  'PS',
  'GS',
  'RS',
  'NMDS',
  'CC',
];

/** Modifiers no form offers (the service refuses them), so that the table still names every code. */
export const duoRefusedModifiers: readonly DuoModifier[] = ['GSO'];

/** The attribution CC-BY-4.0 asks for wherever these labels are shown. */
export const duoAttribution: string = duo.attribution;

const ids = new Map([...duo.permissions, ...duo.modifiers].map((term) => [term.code, term.id]));

/** A DUO term in words: its code, ontology id, label and explanation in the current language. */
export interface DuoTermText {
  code: string;
  id: string;
  label: string;
  explanation: string;
}

/** The label key of a DUO code (for tests and lookups). */
export const duoLabelKey = (code: string) => `duo.${code}` as MessageKey;
/** The explanation key of a DUO code. */
export const duoExplainKey = (code: string) => `duoExplain.${code}` as MessageKey;

/** A DUO code in words; an unknown code is shown as itself (never hidden). */
export function duoTerm(code: string): DuoTermText {
  return {
    code,
    id: ids.get(code) ?? '',
    label: hasMessage(`duo.${code}`) ? t(duoLabelKey(code)) : code,
    explanation: hasMessage(`duoExplain.${code}`) ? t(duoExplainKey(code)) : '',
  };
}
