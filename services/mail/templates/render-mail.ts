// Renders one message: the kind's wording in the recipient's language, as plain text and HTML, with its footer.
import { isOptional, type MailKind, type MailLocale } from '../mail-kinds.js';
import { MAIL_CATALOGUE } from './catalogue.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const unsubscribeLabel = { en: 'Unsubscribe from this kind of message', fr: 'Ne plus recevoir ce type de message' };

function fill(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The message of `kind` for `locale`; `params.url` is the action's link, `unsubscribeUrl` the footer's. */
export function renderMail(
  kind: MailKind,
  locale: MailLocale,
  params: Readonly<Record<string, string>>,
  unsubscribeUrl: string | undefined,
): RenderedMail {
  const wording = MAIL_CATALOGUE[kind][locale];
  const paragraphs = wording.paragraphs.map((p) => fill(p, params));
  const action = wording.action && params.url ? { label: wording.action, url: params.url } : undefined;
  const unsubscribe = isOptional(kind) && unsubscribeUrl ? unsubscribeUrl : undefined;
  const text = [
    ...paragraphs,
    ...(action ? [`${action.label}: ${action.url}`] : []),
    '-- ',
    wording.reason,
    ...(unsubscribe ? [`${unsubscribeLabel[locale]}: ${unsubscribe}`] : []),
  ].join('\n\n');
  const html = [
    `<!doctype html><html lang="${locale}"><body>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(action ? [`<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`] : []),
    `<hr><p><small>${escapeHtml(wording.reason)}`,
    ...(unsubscribe ? [` <a href="${escapeHtml(unsubscribe)}">${escapeHtml(unsubscribeLabel[locale])}</a>`] : []),
    '</small></p></body></html>',
  ].join('');
  return { subject: fill(wording.subject, params), text, html };
}
