// The cohort comparison as a picture: the cohort's released percentiles as a band (10th–90th light, 25th–75th dark,
// the median a white line) with the member's own value marked "You", and the band's ends and median in numbers.
// The picture is decoration for sighted readers (aria-hidden): the sentence beside it says the same in words. Its
// legend (`cohortLegend`, with `cohortLegendStyles`) is shown once per page, by the page.
import { LitElement, css, html, nothing, svg, unsafeCSS } from 'lit';
import { LocaleController, formatNumber, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export interface Band {
  level: number;
  value: number;
}

/** The released value at `level` (0.5: the median), if the bands have it. */
export const bandAt = (bands: readonly Band[], level: number): number | undefined =>
  bands.find((b) => Math.abs(b.level - level) < 1e-9)?.value;

/** Where a value sits along the picture, in per cent of its width: the band and the member's value, padded. */
function bandX(bands: readonly Band[], own: number): (value: number) => number {
  const values = bands.map((b) => b.value);
  const low = Math.min(...values, own);
  const high = Math.max(...values, own);
  const pad = high > low ? (high - low) * 0.08 : Math.max(1, Math.abs(low) * 0.05);
  const from = low - pad;
  const span = high + pad - from;
  return (value) => ((value - from) / span) * 100;
}

/** The picture's colours (each at least 3:1 against white), shared by the band and its legend. */
const colours = {
  outer: unsafeCSS('#5b8cc9'),
  inner: unsafeCSS('#1f5fa8'),
  you: unsafeCSS('#b5461b'),
  youText: unsafeCSS('#8a3312'),
};

/** The legend's styles, for the page that shows `cohortLegend()`. */
export const cohortLegendStyles = css`
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1.25rem;
    list-style: none;
    padding: 0;
    margin: 0.5rem 0;
  }
  .legend li {
    display: flex;
    align-items: center;
    gap: 0.4rem;
  }
  .swatch {
    display: inline-block;
    width: 1.5rem;
    height: 0.8rem;
    border-radius: 0.25rem;
  }
  .swatch.outer {
    background: ${colours.outer};
  }
  .swatch.inner {
    background: ${colours.inner};
  }
  .swatch.median {
    background: linear-gradient(to right, ${colours.inner} 45%, #fff 45% 55%, ${colours.inner} 55%);
  }
  .swatch.you {
    width: 3px;
    height: 1.2rem;
    border-radius: 0;
    background: ${colours.you};
  }
`;

/** What the picture's parts mean, in the current language. */
export function cohortLegend() {
  return html`<ul class="legend">
    <li><span class="swatch outer"></span>${t('insight.legendOuter')}</li>
    <li><span class="swatch inner"></span>${t('insight.legendInner')}</li>
    <li><span class="swatch median"></span>${t('insight.legendMedian')}</li>
    <li><span class="swatch you"></span>${t('insight.legendYou')}</li>
  </ul>`;
}

export class CoopCohortBand extends LitElement {
  // Drawn in SVG: positions are geometry attributes (percentages of the width), not inline styles, which the
  // Content-Security-Policy (style-src 'self') would refuse.
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        margin: 0.25rem 0 0.5rem;
      }
      svg {
        display: block;
        width: 100%;
        height: 4.25rem;
        overflow: visible;
      }
      .track {
        fill: #eef1f4;
      }
      .outer {
        fill: ${colours.outer};
      }
      .inner {
        fill: ${colours.inner};
      }
      .median {
        fill: #fff;
      }
      .you {
        fill: ${colours.you};
      }
      text {
        font-size: 0.85rem;
        fill: var(--coop-muted);
      }
      text.you-label {
        font-weight: 700;
        fill: ${colours.youText};
      }
    `,
  ];

  static override properties = {
    bands: { attribute: false },
    own: { type: Number },
    decimals: { type: Number },
  };

  declare bands: Band[];
  declare own: number;
  declare decimals: number;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.bands = [];
    this.own = NaN;
    this.decimals = 0;
  }

  /** Text anchored at `x` per cent: centred, or kept inside the picture near its edges. */
  private anchor(x: number): 'start' | 'middle' | 'end' {
    return x < 12 ? 'start' : x > 88 ? 'end' : 'middle';
  }

  override render() {
    const [p10, p25, p50, p75, p90] = [0.1, 0.25, 0.5, 0.75, 0.9].map((level) => bandAt(this.bands, level));
    if (p10 === undefined || p90 === undefined || !Number.isFinite(this.own)) return nothing;
    const x = bandX(this.bands, this.own);
    const number = (value: number) => formatNumber(value, this.decimals);
    const pc = (value: number) => `${x(value)}%`;
    const width = (from: number, to: number) => `${Math.max(0, x(to) - x(from))}%`;
    // The median's number only where it does not run into the ends' numbers.
    const medianShown = p50 !== undefined && x(p50) - x(p10) > 14 && x(p90) - x(p50) > 14;
    const you = x(this.own);
    return html`<svg aria-hidden="true" data-testid="cohort-band">
      <rect class="track" x="0" y="26" width="100%" height="16" rx="8"></rect>
      <rect class="outer" x=${pc(p10)} y="26" width=${width(p10, p90)} height="16" rx="8"></rect>
      ${p25 !== undefined && p75 !== undefined ? svg`<rect class="inner" x=${pc(p25)} y="26" width=${width(p25, p75)} height="16"></rect>` : nothing}
      ${p50 !== undefined ? svg`<rect class="median" x=${pc(p50)} y="26" width="2" height="16" transform="translate(-1 0)"></rect>` : nothing}
      <rect
        class="you"
        data-testid="cohort-you"
        x=${pc(this.own)}
        y="19"
        width="3"
        height="30"
        transform="translate(-1.5 0)"
      ></rect>
      <text class="you-label" x=${pc(this.own)} y="14" text-anchor=${this.anchor(you)}>
        ${t('insight.you')} ${number(this.own)}
      </text>
      <text x=${pc(p10)} y="62" text-anchor=${this.anchor(x(p10))}>${number(p10)}</text>
      ${medianShown ? svg`<text x=${pc(p50!)} y="62" text-anchor="middle">${number(p50!)}</text>` : nothing}
      <text x=${pc(p90)} y="62" text-anchor=${this.anchor(x(p90))}>${number(p90)}</text>
    </svg>`;
  }
}

customElements.define('coop-cohort-band', CoopCohortBand);

declare global {
  interface HTMLElementTagNameMap {
    'coop-cohort-band': CoopCohortBand;
  }
}
