// The answer to a research query: a chart of every cell (a suppressed one marked on its axis label and named in a
// note under the chart; the value axis says what is counted: members, or the members' averages in the unit), a
// table with every cell (suppressed ones marked) with its noise scale and 95 % interval, the release rule, the period
// used, ε and δ spent and ε left, and a CSV of the table the researcher can download (without the columns empty in
// every row).
import { LitElement, css, html, nothing } from 'lit';
import type { Cell, QueryAnswer } from '../../api/types.js';
import '../coop-chart/coop-chart.js';
import { LocaleController, formatDateTime, formatNumber, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { categories, displayUnit } from '../../src/categories.js';
import { csvTable } from '../../src/csv.js';
import { sharedStyles } from '../../src/shared-styles.js';

/** The cell's headline number for the chosen statistic (the median for quantiles). */
function headline(cell: Cell, statistic: string): number | undefined {
  if (cell.suppressed) return undefined;
  if (statistic === 'count') return cell.count;
  if (statistic === 'mean') return cell.mean;
  if (statistic === 'quantiles') return cell.quantiles?.find((q) => Math.abs(q.level - 0.5) < 1e-9)?.value;
  if (statistic === 'histogram') return cell.histogram?.reduce((sum, bin) => sum + (bin.count ?? 0), 0);
  return undefined;
}

function detail(cell: Cell): string {
  if (cell.suppressed) return '';
  if (cell.quantiles)
    return cell.quantiles
      .map((q) => {
        const [low = q.value, high = q.value] = q.interval95;
        return `p${Math.round(q.level * 100)} ${formatNumber(q.value)} (${formatNumber(low)}–${formatNumber(high)})`;
      })
      .join(', ');
  if (cell.histogram)
    return cell.histogram
      .map((b) => `${formatNumber(b.from)}–${formatNumber(b.to)}: ${b.count === null ? '—' : formatNumber(b.count)}`)
      .join(', ');
  return '';
}

// The headline's 95 % interval: the cell's (count, mean) or, for quantiles, the median's; null for a histogram.
function headlineInterval(cell: Cell): readonly number[] | null {
  if (cell.suppressed) return null;
  if (cell.quantiles) return cell.quantiles.find((q) => Math.abs(q.level - 0.5) < 1e-9)?.interval95 ?? null;
  return cell.interval95 ?? null;
}

// The released value's 95 % interval as text ('' when the statistic has none, e.g. a histogram's total).
function interval(cell: Cell): string {
  const [low, high] = headlineInterval(cell) ?? [];
  return low === undefined || high === undefined ? '' : `${formatNumber(low)} – ${formatNumber(high)}`;
}

/** The value axis's title: what the statistic counts (members: each member counts once) and in which unit. */
function axisTitle(answer: QueryAnswer): string {
  const unit = displayUnit(categories.find((c) => c.code === answer.category)?.unit ?? '');
  return t(`research.axis.${answer.statistic}` as MessageKey, { unit });
}

function groupLabel(group: Record<string, string>): string {
  const parts = Object.entries(group).map(([dimension, value]) => {
    const valueKey = `groupValue.${value}`;
    const shown = hasMessage(valueKey) ? t(valueKey as MessageKey) : value;
    return `${hasMessage(`dimension.${dimension}`) ? t(`dimension.${dimension}` as MessageKey) : dimension}: ${shown}`;
  });
  return parts.length > 0 ? parts.join(', ') : t('research.allMembers');
}

export class CoopQueryResult extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .suppressed {
        font-style: italic;
        color: var(--coop-muted);
      }
    `,
  ];

  static override properties = { answer: { attribute: false } };

  declare answer: QueryAnswer | undefined;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.answer = undefined;
  }

  private onDownload(): void {
    const answer = this.answer;
    if (!answer) return;
    const header = [
      'component',
      'group',
      'suppressed',
      'value',
      'interval95_low',
      'interval95_high',
      'noise_scale',
      'detail',
    ];
    const rows = answer.results.flatMap((result) =>
      result.cells.map((cell) => [
        result.component ?? '',
        groupLabel(cell.group),
        cell.suppressed,
        headline(cell, answer.statistic) ?? '',
        headlineInterval(cell)?.[0] ?? '',
        headlineInterval(cell)?.[1] ?? '',
        cell.suppressed ? '' : (cell.noiseScale ?? ''),
        detail(cell),
      ]),
    );
    const url = URL.createObjectURL(new Blob([csvTable(header, rows)], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `datacoop-query-${answer.queryId}.csv`;
    this.renderRoot.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  override render() {
    const answer = this.answer;
    if (!answer) return nothing;
    const statistic = t(`statistic.${answer.statistic}` as MessageKey);
    return html`<p data-testid="budget">
        ${t('research.spent', { spent: answer.epsilonSpent, remaining: answer.remainingEpsilon })}
      </p>
      <p data-testid="delta">${t('research.delta', { delta: answer.release.deltaSpent })}</p>
      <p data-testid="period">
        ${t('research.period', { from: formatDateTime(answer.period.from), to: formatDateTime(answer.period.to) })}
      </p>
      ${answer.results.map((result) => {
        const caption = `${t(`category.${answer.category}` as MessageKey)}${
          result.component ? ` (${t(`component.${result.component}` as MessageKey)})` : ''
        } — ${statistic}`;
        const released = result.cells.filter((cell) => !cell.suppressed);
        const suppressed = result.cells.filter((cell) => cell.suppressed);
        const min = answer.release.threshold;
        return html`<section>
          ${
            released.length > 0
              ? html`<coop-chart
                    kind="bar"
                    .caption=${caption}
                    .labelHeader=${t('research.group')}
                    .valueHeader=${statistic}
                    .axisTitle=${axisTitle(answer)}
                    .bars=${result.cells.map((cell) => ({
                      label: groupLabel(cell.group),
                      value: cell.suppressed ? null : (headline(cell, answer.statistic) ?? 0),
                      ...(cell.suppressed && { note: t('research.suppressedBar') }),
                    }))}
                  ></coop-chart>
                  ${
                    suppressed.length > 0
                      ? html`<p class="muted" data-testid="not-in-chart">
                          ${t('research.notInChart', {
                            min,
                            groups: suppressed.map((cell) => groupLabel(cell.group)).join(', '),
                          })}
                        </p>`
                      : nothing
                  }`
              : html`<h3>${caption}</h3>
                  <p class="muted" data-testid="not-in-chart">${t('research.allSuppressed', { min })}</p>`
          }
          <div class="table-wrap" role="region" tabindex="0" aria-label=${`${t('research.cells')}: ${caption}`}>
            <table>
              <caption class="muted">
                ${t('research.cellsCaption', { min: answer.release.threshold })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t('research.group')}</th>
                  <th scope="col" class="num">${statistic}</th>
                  <th scope="col">${t('research.interval')}</th>
                  <th scope="col" class="num">${t('research.noise')}</th>
                  <th scope="col">${t('research.detail')}</th>
                </tr>
              </thead>
              <tbody>
                ${result.cells.map(
                  (cell) =>
                    html`<tr>
                      <th scope="row">${groupLabel(cell.group)}</th>
                      ${
                        cell.suppressed
                          ? html`<td class="suppressed" colspan="4">
                              ${t('research.suppressed', { min: answer.release.threshold })}
                            </td>`
                          : html`<td class="num">${formatNumber(headline(cell, answer.statistic) ?? NaN)}</td>
                              <td>${interval(cell)}</td>
                              <td class="num">${formatNumber(cell.noiseScale)}</td>
                              <td>${detail(cell)}</td>`
                      }
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>
        </section>`;
      })}
      <div class="actions">
        <button class="secondary" @click=${this.onDownload}>${t('research.downloadCsv')}</button>
      </div>`;
  }
}

customElements.define('coop-query-result', CoopQueryResult);

declare global {
  interface HTMLElementTagNameMap {
    'coop-query-result': CoopQueryResult;
  }
}
