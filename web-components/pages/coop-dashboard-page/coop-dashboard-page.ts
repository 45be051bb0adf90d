// The member's dashboard: one chart per category with data (blood pressure as two lines), bucket and date
// range pickers, and the latest value of each category. A member with no data at all sees their first steps
// instead (dismissible, remembered per account in localStorage, gone once they have data).
import { Task, TaskStatus } from '@lit/task';
import { LitElement, css, html, nothing } from 'lit';
import { fetchInsight } from '../../api/consent.api.js';
import type { Bucket, Insight, Observation, Series } from '../../api/types.js';
import { fetchMe } from '../../api/account.api.js';
import { fetchLatestObservation, fetchSeries, hasAnyObservation } from '../../api/vault.api.js';
import '../../components/coop-first-steps/coop-first-steps.js';
import '../../components/coop-chart/coop-chart.js';
import { bandAt, cohortLegend, cohortLegendStyles } from '../../components/coop-cohort-band/coop-cohort-band.js';
import type { LineSeries } from '../../components/coop-chart/coop-chart.js';
import { LocaleController, formatDate, formatDateTime, formatList, formatNumber, t, tPlural } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { categories, displayUnit, type CategoryInfo } from '../../src/categories.js';
import { isSparse, naturalBucket, summariseMetric } from '../../src/metric-summary.js';
import { sharedStyles } from '../../src/shared-styles.js';

const DAY = 86_400_000;
/** localStorage key that remembers, per account, that its first steps were dismissed. */
const firstStepsKey = (accountId: string) => `datacoop.firstSteps.dismissed.${accountId}`;
const presets = { '30': 30, '90': 90, '365': 365 } as const;

interface CategoryData {
  info: CategoryInfo;
  series: Series;
  latest?: Observation;
  insight?: Insight;
}

/** The sentence's first letter in capitals ("your value…" → "Your value…"). */
function capitalised(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** yyyy-mm-dd in local time for <input type=date>. */
function dateInput(date: Date): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

export class CoopDashboardPage extends LitElement {
  static override styles = [
    sharedStyles,
    cohortLegendStyles,
    css`
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 10rem), 1fr));
        gap: 0.75rem;
        align-items: end;
      }
      .controls select,
      .controls input {
        width: 100%;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr));
        gap: 1rem;
      }
      .latest {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 12rem), 1fr));
        gap: 0.5rem;
        list-style: none;
        padding: 0;
        margin: 0 0 1rem;
      }
      .latest li {
        background: var(--coop-surface);
        border: 1px solid var(--coop-border);
        border-radius: 8px;
        padding: 0.5rem 0.75rem;
      }
      .compare p {
        margin: 0.25rem 0;
      }
      .compare-note {
        margin-bottom: 1rem;
      }
      .compare-note h3 {
        margin: 0 0 0.5rem;
        font-size: 1.1rem;
      }
      .headline {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 8rem), 1fr));
        gap: 0.5rem;
        margin: 0 0 0.5rem;
      }
      .headline dt {
        font-size: 0.85rem;
        color: var(--coop-muted, inherit);
      }
      .headline dd {
        margin: 0;
        font-weight: 700;
      }
      .values {
        margin: 0.25rem 0;
        padding-left: 1.25rem;
      }
      section.card h3 {
        margin: 0 0 0.5rem;
        font-size: 1.1rem;
      }
      .latest .value {
        font-size: 1.3rem;
        font-weight: 700;
      }
    `,
  ];

  static override properties = {
    bucket: { state: true },
    tables: { state: true },
    from: { state: true },
    to: { state: true },
  };

  declare private bucket: Bucket;
  /** One switch for every chart's table (instead of a "show the numbers" link per chart before the content). */
  declare private tables: boolean;
  declare private from: string;
  declare private to: string;
  private readonly locale = new LocaleController(this);

  private readonly data = new Task(this, {
    task: async ([bucket, from, to], { signal }) => {
      const fromDate = new Date(`${from}T00:00:00`);
      const toDate = new Date(new Date(`${to}T00:00:00`).getTime() + DAY);
      const all = await Promise.all(
        categories.map(async (info) => ({ info, series: await fetchSeries(info.code, bucket, fromDate, toDate) })),
      );
      signal.throwIfAborted();
      return all.filter((c) => c.series.points.length > 0) as CategoryData[];
    },
    args: () => [this.bucket, this.from, this.to] as const,
  });

  // Only when the period is empty: does the member have any data at all, and did they dismiss their first steps?
  private readonly newcomer = new Task(this, {
    task: async ([list]) => {
      if (!list || list.length > 0) return { show: false, accountId: '' };
      const [any, me] = await Promise.all([hasAnyObservation(), fetchMe()]);
      return { show: !any && localStorage.getItem(firstStepsKey(me.id)) === null, accountId: me.id };
    },
    args: () => [this.data.value] as const,
  });

  private onFirstStepsDismissed(): void {
    const accountId = this.newcomer.value?.accountId;
    if (accountId) localStorage.setItem(firstStepsKey(accountId), new Date().toISOString());
    void this.newcomer.run();
  }

  // The latest values and the cohort comparison follow the charts, so the charts never wait for them.
  private readonly extras = new Task(this, {
    task: async ([list]) => {
      if (!list) return;
      await Promise.all(
        list.map(async (c) => {
          const last = c.series.points.at(-1)!;
          const [latest, insight] = await Promise.all([
            fetchLatestObservation(c.info.code, new Date(last.start)),
            fetchInsight(c.info.code).catch(() => undefined),
          ]);
          c.latest = latest;
          c.insight = insight;
        }),
      );
    },
    args: () => [this.data.value] as const,
  });

  constructor() {
    super();
    const now = new Date();
    this.bucket = naturalBucket(365);
    this.tables = false;
    this.to = dateInput(now);
    this.from = dateInput(new Date(now.getTime() - 365 * DAY));
  }

  private onTables(event: Event): void {
    this.tables = (event.target as HTMLInputElement).checked;
  }

  private onBucket(event: Event): void {
    this.bucket = (event.target as HTMLSelectElement).value as Bucket;
  }

  private onPreset(event: Event): void {
    const days = presets[(event.target as HTMLSelectElement).value as keyof typeof presets];
    if (!days) return;
    const now = new Date();
    this.to = dateInput(now);
    this.from = dateInput(new Date(now.getTime() - days * DAY));
    this.bucket = naturalBucket(days);
  }

  private onFrom(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    if (value) this.from = value;
  }

  private onTo(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    if (value) this.to = value;
  }

  private lines(data: CategoryData): LineSeries[] {
    const points = data.series.points;
    const x = (start: string) => new Date(start).getTime();
    if (data.info.components) {
      return data.info.components.map((component) => ({
        label: t(`component.${component}` as MessageKey),
        points: points.flatMap((p) => {
          const stats = p.components?.[component];
          return stats ? [{ x: x(p.start), y: stats.mean }] : [];
        }),
      }));
    }
    return [
      {
        label: t(`category.${data.info.code}` as MessageKey),
        points: points.flatMap((p) => (p.stats ? [{ x: x(p.start), y: p.stats.mean }] : [])),
      },
    ];
  }

  private latestText(data: CategoryData): string {
    const latest = data.latest;
    if (!latest) return this.extras.status === TaskStatus.PENDING ? t('common.loading') : '—';
    const digits = data.info.decimals;
    if (latest.components) {
      return (data.info.components ?? []).map((c) => formatNumber(latest.components?.[c] ?? NaN, digits)).join(' / ');
    }
    return formatNumber(latest.value ?? NaN, digits);
  }

  /**
   * "How do I compare", in the metric's card: per component a picture of the cohort's percentile band with the
   * member's value marked and the same in a sentence, who the cohort is (a noisy count), and what it cost. A metric
   * without a comparison shows nothing here: the one note above the charts names it and says why.
   */
  private renderInsight(data: CategoryData) {
    const insight = data.insight;
    if (!insight || insight.suppressed) return nothing;
    const digits = data.info.decimals;
    const category = t(`category.${data.info.code}` as MessageKey);
    return html`<div class="compare" data-testid="compare">
      <p><strong>${t('insight.heading')}</strong></p>
      ${insight.components.map((component) => {
        const name = component.component ? `${t(`component.${component.component}` as MessageKey)}: ` : '';
        const bands = component.bands ?? [];
        if (component.own === null || bands.length === 0) return html`<p>${name}${t('insight.noOwn')}</p>`;
        const own = component.own;
        const median = bandAt(bands, 0.5);
        const pct = (level: number) => Math.round(level * 100);
        const above = bands.filter((b) => b.value <= own).at(-1);
        const below = bands.find((b) => b.value > own);
        const where = !above
          ? t('insight.below', { p: pct(bands[0]!.level) })
          : !below
            ? t('insight.above', { p: pct(above.level) })
            : t('insight.between', { low: pct(above.level), high: pct(below.level) });
        const yours = t('insight.own', { value: formatNumber(own, digits) });
        return html`<coop-cohort-band .bands=${bands} .own=${own} .decimals=${digits}></coop-cohort-band>
          <p data-testid="compare-sentence">
            ${name}${name ? yours : capitalised(yours)} ${where}
            ${median === undefined ? nothing : t('insight.median', { value: formatNumber(median, digits) })}
          </p>`;
      })}
      ${
        insight.cohort
          ? html`<p class="muted" data-testid="cohort-size">
              ${t('insight.cohort', {
                members: insight.cohort.members,
                margin: (insight.cohort.interval95[1] ?? insight.cohort.members) - insight.cohort.members,
                category,
              })}
            </p>`
          : nothing
      }
      ${this.renderInsightCost(data)}
    </div>`;
  }

  /**
   * The one note on the comparisons, above the charts: how to read the picture (its legend), why the numbers carry
   * noise, and which metrics have no comparison yet and why — said once instead of in every card.
   */
  private renderCompareNote(list: CategoryData[]) {
    const loaded = list.filter((c) => c.insight);
    if (loaded.length === 0) return nothing;
    const names = (items: CategoryData[]) => formatList(items.map((c) => t(`category.${c.info.code}` as MessageKey)));
    const spent = loaded.filter((c) => c.insight!.suppressed && c.insight!.release.epsilon === 0);
    const thin = loaded.filter((c) => c.insight!.suppressed && c.insight!.release.epsilon !== 0);
    return html`<section class="card compare-note" aria-labelledby="compare-note-heading" data-testid="compare-note">
      <h3 id="compare-note-heading">${t('insight.noteHeading')}</h3>
      <p>${t('insight.note')}</p>
      ${cohortLegend()}
      ${
        thin.length > 0
          ? html`<p data-testid="compare-thin">
              ${tPlural('insight.notEnoughFor', thin.length, { categories: names(thin) })}
            </p>`
          : nothing
      }
      ${
        spent.length > 0
          ? html`<p data-testid="compare-spent">
              ${tPlural('insight.budgetSpentFor', spent.length, { categories: names(spent) })}
            </p>`
          : nothing
      }
    </section>`;
  }

  /** Latest, 30-day average and change per metric (per component for blood pressure), above its chart. */
  private renderHeadline(data: CategoryData) {
    const unit = displayUnit(data.series.unit);
    const digits = data.info.decimals;
    const now = new Date(new Date(`${this.to}T00:00:00`).getTime() + DAY);
    const parts = (data.info.components ?? [undefined]).map((component) => ({
      component,
      summary: summariseMetric(data.series.points, now, component),
    }));
    const number = (value: number | null) => (value === null ? t('metric.none') : formatNumber(value, digits));
    const change = (value: number | null) => {
      if (value === null) return t('metric.none');
      const rounded = Number(value.toFixed(digits));
      if (rounded === 0) return t('metric.same');
      return t(rounded > 0 ? 'metric.up' : 'metric.down', {
        value: `${formatNumber(Math.abs(rounded), digits)} ${unit}`,
      });
    };
    const joined = (pick: (s: ReturnType<typeof summariseMetric>) => string) =>
      parts.map((p) => pick(p.summary)).join(' / ');
    return html`<h3>${t(`category.${data.info.code}` as MessageKey)}</h3>
      <dl class="headline">
        <div>
          <dt>${t('metric.latest')}</dt>
          <dd>${joined((s) => number(s.latest?.value ?? null))} ${unit}</dd>
        </div>
        <div>
          <dt>${t('metric.average')}</dt>
          <dd>${joined((s) => number(s.average))} ${unit}</dd>
        </div>
        <div>
          <dt>${t('metric.change')}</dt>
          <dd>${joined((s) => change(s.change))}</dd>
        </div>
      </dl>`;
  }

  /** A metric with too few points for a line: its values, newest first. */
  private renderValues(data: CategoryData) {
    const unit = displayUnit(data.series.unit);
    const points = data.series.points.filter((p) => p.count > 0).reverse();
    const value = (p: (typeof points)[number]) =>
      p.components
        ? (data.info.components ?? [])
            .map((c) => formatNumber(p.components?.[c]?.mean ?? NaN, data.info.decimals))
            .join(' / ')
        : formatNumber(p.stats?.mean ?? NaN, data.info.decimals);
    return html`<p class="muted">${tPlural('metric.sparse', points.length)}</p>
      <ul class="values">
        ${points.map((p) => html`<li>${formatDate(p.start)}: <strong>${value(p)}</strong> ${unit}</li>`)}
      </ul>`;
  }

  /** What the comparison cost, from the cooperative's yearly ε for the category, and whether it is a re-showing. */
  private renderInsightCost(data: CategoryData) {
    const release = data.insight!.release;
    const eps = (value: number) => formatNumber(value, 3);
    return html`<p class="muted insight-cost">
      ${t('insight.cost', {
        epsilon: eps(release.epsilon),
        budget: eps(release.epsilonPerYear),
        spent: eps(release.spentThisYear),
        category: t(`category.${data.info.code}` as MessageKey),
        year: String(release.year), // a year, not a quantity: no thousands separator
      })}
      ${release.fresh ? nothing : t('insight.stale', { date: formatDate(data.insight!.computedAt) })}
    </p>`;
  }

  private renderControls() {
    return html`<form
      class="card controls"
      aria-label=${t('dashboard.controls')}
      @submit=${(e: Event) => e.preventDefault()}
    >
      <div>
        <label for="bucket">${t('dashboard.bucket')}</label>
        <select id="bucket" @change=${this.onBucket}>
          ${(['day', 'week', 'month'] as const).map(
            (b) => html`<option value=${b} ?selected=${this.bucket === b}>${t(`bucket.${b}`)}</option>`,
          )}
        </select>
      </div>
      <div>
        <label for="preset">${t('dashboard.preset')}</label>
        <select id="preset" @change=${this.onPreset}>
          <option value="">${t('dashboard.presetCustom')}</option>
          <option value="30">${t('dashboard.preset30')}</option>
          <option value="90">${t('dashboard.preset90')}</option>
          <option value="365" selected>${t('dashboard.preset365')}</option>
        </select>
      </div>
      <div>
        <label for="from">${t('dashboard.from')}</label>
        <input id="from" type="date" .value=${this.from} max=${this.to} @change=${this.onFrom} />
      </div>
      <div>
        <label for="to">${t('dashboard.to')}</label>
        <input id="to" type="date" .value=${this.to} min=${this.from} @change=${this.onTo} />
      </div>
      <label class="inline tables">
        <input type="checkbox" .checked=${this.tables} @change=${this.onTables} />
        ${t('dashboard.showTables')}
      </label>
    </form>`;
  }

  private renderData(list: CategoryData[]) {
    if (list.length === 0) {
      // A newcomer's first steps are shown above the controls instead (see render).
      if (this.newcomer.status === TaskStatus.PENDING || this.newcomer.status === TaskStatus.INITIAL) {
        return html`<p role="status">${t('common.loading')}</p>`;
      }
      if (this.newcomer.value?.show) return nothing;
      return html`<p class="card">${t('dashboard.empty')} <a href="/data">${t('dashboard.addData')}</a></p>`;
    }
    return html`<h2>${t('dashboard.latest')}</h2>
      <ul class="latest">
        ${list.map(
          (c) =>
            html`<li>
              <div>${t(`category.${c.info.code}` as MessageKey)}</div>
              <div class="value">${this.latestText(c)} <span class="muted">${displayUnit(c.series.unit)}</span></div>
              ${c.latest ? html`<div class="muted">${formatDateTime(c.latest.effectiveAt)}</div>` : nothing}
            </li>`,
        )}
      </ul>
      <h2>${t('dashboard.charts', { bucket: t(`bucket.${this.bucket}`) })}</h2>
      ${this.renderCompareNote(list)}
      <div class="grid">
        ${list.map(
          (c) =>
            html`<section class="card">
              ${this.renderHeadline(c)}
              ${
                isSparse(c.series.points)
                  ? this.renderValues(c)
                  : html`<coop-chart
                      kind="line"
                      .caption=${t(`category.${c.info.code}` as MessageKey)}
                      .unit=${displayUnit(c.series.unit)}
                      .decimals=${c.info.decimals}
                      .axisTitle=${t('chart.axisValue', {
                        bucket: t(`bucket.${this.bucket}`),
                        unit: displayUnit(c.series.unit),
                      })}
                      .series=${this.lines(c)}
                      .tableToggle=${false}
                      .showTable=${this.tables}
                    ></coop-chart>`
              }
              ${this.renderInsight(c)}
            </section>`,
        )}
      </div>`;
  }

  override render() {
    return html`<h1 tabindex="-1">${t('dashboard.title')}</h1>
      <p class="muted">${t('dashboard.intro')}</p>
      ${
        this.newcomer.value?.show && this.data.value?.length === 0
          ? html`<coop-first-steps @coop-first-steps-dismissed=${this.onFirstStepsDismissed}></coop-first-steps>`
          : nothing
      }
      ${this.renderControls()}
      ${this.data.render({
        pending: () => html`<p role="status">${t('common.loading')}</p>`,
        complete: (list) => this.renderData(list),
        error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
      })}`;
  }
}

customElements.define('coop-dashboard-page', CoopDashboardPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-dashboard-page': CoopDashboardPage;
  }
}
