// The one wrapper around chart.js: created when the element renders, updated when its data changes,
// destroyed when it leaves the page. Only the pieces we draw are registered (tree-shaken): line charts on a
// linear time axis (epoch milliseconds, labelled with Intl — no date adapter needed) with LTTB decimation
// for long series, and bar charts on a category axis. A table with the same numbers is the text alternative.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { LocaleController, formatDate, formatNumber, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  BarController,
  BarElement,
  Decimation,
  Tooltip,
  Legend,
);
// Axis text darker than chart.js's default grey, for contrast well above AA.
Chart.defaults.color = '#3d4751';
Chart.defaults.font.size = 13;

export interface LineSeries {
  label: string;
  points: { x: number; y: number }[];
}

export interface BarDatum {
  label: string;
  /** null: no bar is drawn, and `note` says why (e.g. a suppressed group of a research answer). */
  value: number | null;
  /** Shown under the bar's label on the axis, in the text summary and in the table instead of a value. */
  note?: string;
}

/** Colours with at least 3:1 contrast against white (WCAG non-text contrast). */
const palette = ['#1f5fa8', '#b5461b', '#1d5f3a', '#6b3fa0'];

export class CoopChart extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      figure {
        margin: 0;
      }
      figcaption {
        font-weight: 600;
        margin-bottom: 0.25rem;
      }
      .box {
        position: relative;
        height: 240px;
        width: 100%;
      }
      details {
        margin-top: 0.5rem;
      }
      summary {
        cursor: pointer;
        color: var(--coop-link);
        min-height: 44px;
        display: flex;
        align-items: center;
      }
      .table-wrap {
        max-height: 20rem;
        overflow: auto;
      }
    `,
  ];

  static override properties = {
    kind: { type: String },
    caption: { type: String },
    unit: { type: String },
    decimals: { type: Number },
    decimate: { type: Boolean },
    labelHeader: { type: String },
    valueHeader: { type: String },
    axisTitle: { type: String },
    series: { attribute: false },
    bars: { attribute: false },
    tableOpen: { state: true },
    tableToggle: { type: Boolean },
    showTable: { type: Boolean },
  };

  declare kind: 'line' | 'bar';
  declare caption: string;
  declare unit: string;
  declare decimals: number;
  /** LTTB decimation of line charts (on by default; only acts when there are more points than pixels). */
  declare decimate: boolean;
  /** Column headings of a bar chart's table (default: category, value). */
  declare labelHeader: string;
  declare valueHeader: string;
  /** Title of the value axis, e.g. "Average per week (/min)"; none when empty. A bar chart's category axis takes labelHeader. */
  declare axisTitle: string;
  declare series: LineSeries[];
  declare bars: BarDatum[];
  declare private tableOpen: boolean;
  /** Each chart has its own "show the numbers" disclosure (default); a page with many charts offers one switch instead. */
  declare tableToggle: boolean;
  /** With tableToggle off: the table shows under the chart while this is on. */
  declare showTable: boolean;
  private chart?: Chart;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.kind = 'line';
    this.caption = '';
    this.unit = '';
    this.decimals = 1;
    this.decimate = true;
    this.labelHeader = '';
    this.valueHeader = '';
    this.axisTitle = '';
    this.series = [];
    this.bars = [];
    this.tableOpen = false;
    this.tableToggle = true;
    this.showTable = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached after a move in the DOM: the canvas is still there, the chart was destroyed.
    if (this.hasUpdated && !this.chart) void this.updateComplete.then(() => this.createChart());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = undefined;
  }

  override firstUpdated(): void {
    this.createChart();
  }

  override updated(changed: PropertyValues): void {
    if (!this.chart) return;
    if (changed.has('kind')) {
      this.chart.destroy();
      this.createChart();
      return;
    }
    this.updateAxisTitles();
    if (changed.has('series') || changed.has('bars')) {
      this.chart.data = this.chartData();
      const x = this.chart.options.scales?.['x'];
      if (this.kind === 'line' && x) Object.assign(x, this.xExtent());
      this.chart.update('none');
    } else if (!changed.has('tableOpen') && !changed.has('showTable')) {
      this.chart.update('none'); // language changed: redraw tick labels
    }
  }

  // The axis titles are set when the chart is made; a change of language (or of what the chart shows) renames them.
  private updateAxisTitles(): void {
    const scales = this.chart?.options.scales;
    const y = scales?.['y'];
    if (y && 'title' in y && y.title) Object.assign(y.title, { display: this.axisTitle !== '', text: this.axisTitle });
    const x = scales?.['x'];
    if (this.kind === 'bar' && x && 'title' in x && x.title) {
      Object.assign(x.title, { display: this.labelHeader !== '', text: this.labelHeader });
    }
  }

  private get canvas(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector('canvas');
  }

  private chartData(): ChartConfiguration['data'] {
    if (this.kind === 'bar') {
      return {
        labels: this.bars.map((bar) => (bar.note ? [bar.label, `(${bar.note})`] : bar.label)),
        datasets: [
          {
            label: this.caption,
            data: this.bars.map((bar) => bar.value),
            backgroundColor: this.bars.map((_, i) => palette[i % palette.length]!),
            maxBarThickness: 120,
          },
        ],
      };
    }
    return {
      datasets: this.series.map((line, i) => ({
        label: line.label,
        data: line.points,
        borderColor: palette[i % palette.length]!,
        backgroundColor: palette[i % palette.length]!,
        borderWidth: 2,
        pointRadius: line.points.length > 60 ? 0 : 2,
        tension: 0,
      })),
    };
  }

  private createChart(): void {
    const canvas = this.canvas;
    if (!canvas) return;
    const valueTick = (value: string | number) => formatNumber(Number(value), this.decimals);
    const config: ChartConfiguration =
      this.kind === 'bar'
        ? ({
            type: 'bar',
            data: this.chartData(),
            options: {
              animation: false,
              responsive: true,
              maintainAspectRatio: false,
              plugins: { legend: { display: false } },
              scales: {
                x: { title: { display: this.labelHeader !== '', text: this.labelHeader } },
                y: {
                  beginAtZero: true,
                  ticks: { precision: 0 },
                  title: { display: this.axisTitle !== '', text: this.axisTitle },
                },
              },
            },
          } as ChartConfiguration)
        : ({
            type: 'line',
            data: this.chartData(),
            options: {
              animation: false,
              responsive: true,
              maintainAspectRatio: false,
              parsing: false,
              normalized: true,
              spanGaps: true,
              interaction: { mode: 'nearest', axis: 'x', intersect: false },
              plugins: {
                decimation: { enabled: this.decimate, algorithm: 'lttb' },
                legend: { display: this.series.length > 1 },
                tooltip: {
                  callbacks: {
                    title: (items) => (items[0] ? formatDate(items[0].parsed.x ?? 0) : ''),
                    label: (item) => `${item.dataset.label ?? ''}: ${valueTick(item.parsed.y ?? 0)} ${this.unit}`,
                  },
                },
              },
              scales: {
                x: {
                  type: 'linear',
                  ...this.xExtent(),
                  ticks: {
                    maxTicksLimit: 7,
                    // Ticks fall between days on a short span: label only the first tick of each date.
                    callback: (value, index, ticks) => {
                      const label = formatDate(Number(value), 'short');
                      const previous = index > 0 ? formatDate(Number(ticks[index - 1]!.value), 'short') : '';
                      return label === previous ? '' : label;
                    },
                  },
                },
                y: {
                  ticks: { callback: valueTick, precision: this.decimals },
                  title: { display: this.axisTitle !== '', text: this.axisTitle },
                },
              },
            },
          } as ChartConfiguration);
    this.chart = new Chart(canvas, config);
  }

  /** The time axis spans the data exactly (a linear scale would round it out to "nice" numbers). */
  private xExtent(): { min?: number; max?: number } {
    const xs = this.series.flatMap((line) => line.points.map((p) => p.x));
    if (xs.length < 2) return {};
    return { min: Math.min(...xs), max: Math.max(...xs) };
  }

  /** A one-sentence summary for screen readers: what, how many points, the range of dates and values. */
  private describe(): string {
    if (this.kind === 'bar') {
      const axis = this.axisTitle ? ` (${this.axisTitle})` : '';
      const bars = this.bars.map(
        (bar) => `${bar.label} ${bar.value === null ? (bar.note ?? '') : formatNumber(bar.value)}`,
      );
      return `${this.caption}${axis}: ${bars.join(', ')}`;
    }
    const points = this.series.flatMap((line) => line.points);
    if (points.length === 0) return `${this.caption}: ${t('chart.noData')}`;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    return t('chart.summary', {
      caption: this.caption,
      count: this.series[0]?.points.length ?? 0,
      from: formatDate(Math.min(...xs)),
      to: formatDate(Math.max(...xs)),
      min: formatNumber(Math.min(...ys), this.decimals),
      max: formatNumber(Math.max(...ys), this.decimals),
      unit: this.unit,
    });
  }

  private renderTable() {
    if (this.kind === 'bar') {
      return html`<table>
        <caption class="muted">
          ${this.caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">${this.labelHeader || t('chart.category')}</th>
            <th scope="col" class="num">${this.valueHeader || t('chart.value')}</th>
          </tr>
        </thead>
        <tbody>
          ${this.bars.map(
            (bar) =>
              html`<tr>
                <th scope="row">${bar.label}</th>
                <td class="num">${bar.value === null ? (bar.note ?? '') : formatNumber(bar.value)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
    }
    const first = this.series[0]?.points ?? [];
    return html`<table>
      <caption class="muted">
        ${this.caption} (${this.unit})
      </caption>
      <thead>
        <tr>
          <th scope="col">${t('chart.date')}</th>
          ${this.series.map((line) => html`<th scope="col" class="num">${line.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${first.map(
          (point, row) =>
            html`<tr>
              <th scope="row">${formatDate(point.x)}</th>
              ${this.series.map((line) => {
                const y = line.points[row]?.y;
                return html`<td class="num">${y === undefined ? '' : formatNumber(y, this.decimals)}</td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private onToggle(event: Event): void {
    this.tableOpen = (event.target as HTMLDetailsElement).open;
  }

  override render() {
    return html`<figure>
      <figcaption>${this.caption}</figcaption>
      <div class="box"><canvas role="img" aria-label=${this.describe()}></canvas></div>
      ${
        this.tableToggle
          ? nothing
          : this.showTable
            ? html`<div
                class="table-wrap"
                tabindex="0"
                role="region"
                aria-label=${t('chart.tableOf', { caption: this.caption })}
              >
                ${this.renderTable()}
              </div>`
            : nothing
      }
      ${this.tableToggle ? this.renderDisclosure() : nothing}
    </figure>`;
  }

  private renderDisclosure() {
    return html`<details @toggle=${this.onToggle}>
      <summary>${t('chart.showTable')}</summary>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('chart.tableOf', { caption: this.caption })}>
        ${this.tableOpen ? this.renderTable() : nothing}
      </div>
    </details>`;
  }
}

customElements.define('coop-chart', CoopChart);

declare global {
  interface HTMLElementTagNameMap {
    'coop-chart': CoopChart;
  }
}
