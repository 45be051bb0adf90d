// Styles shared by pages and leaf elements (adopted stylesheets: allowed by the CSP, no inline styles).
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    display: block;
  }
  h1,
  h2,
  h3 {
    line-height: 1.2;
    margin: 0 0 0.5rem;
  }
  h1 {
    font-size: 1.6rem;
  }
  h2 {
    font-size: 1.25rem;
    margin-top: 1.5rem;
  }
  h3 {
    font-size: 1.1rem;
    margin-top: 1rem;
  }
  /* Headings receive focus from script after a navigation (for screen readers): no ring, it is not a control. */
  h1:focus,
  h2:focus,
  h3:focus,
  [tabindex='-1']:focus {
    outline: none;
  }
  a:focus-visible,
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  summary:focus-visible,
  textarea:focus-visible {
    outline: 3px solid var(--coop-focus);
    outline-offset: 2px;
  }
  a {
    color: var(--coop-link);
  }
  .card > h2:first-child,
  .card > h3:first-child {
    margin-top: 0;
  }
  p {
    margin: 0.25rem 0 0.75rem;
  }
  ul:has(> li.card) {
    list-style: none;
    padding-left: 0;
  }
  .muted {
    color: var(--coop-muted);
  }
  .card {
    background: var(--coop-surface);
    border: 1px solid var(--coop-border);
    border-radius: 8px;
    padding: 1rem;
    margin: 0 0 1rem;
  }
  button,
  .button {
    font: inherit;
    min-height: 44px;
    padding: 0.5rem 1rem;
    border-radius: 6px;
    border: 1px solid var(--coop-accent);
    background: var(--coop-accent);
    color: var(--coop-accent-ink);
    cursor: pointer;
  }
  button.secondary {
    background: var(--coop-surface);
    color: var(--coop-accent);
  }
  button.danger {
    background: var(--coop-danger);
    border-color: var(--coop-danger);
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  label {
    display: block;
    font-weight: 600;
    margin: 0.5rem 0 0.25rem;
  }
  label.inline {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-weight: normal;
  }
  input,
  select,
  textarea {
    font: inherit;
    min-height: 44px;
    padding: 0.4rem 0.5rem;
    border: 1px solid #6b7680;
    border-radius: 4px;
    background: #fff;
    color: var(--coop-ink);
    max-width: 100%;
    /* Padding and border inside the width, so a full-width field never overflows its card. */
    box-sizing: border-box;
  }
  input[type='checkbox'],
  input[type='radio'] {
    min-height: auto;
    width: 1.25rem;
    height: 1.25rem;
  }
  fieldset {
    border: 1px solid var(--coop-border);
    border-radius: 6px;
    margin: 0.5rem 0;
    padding: 0.5rem 1rem;
  }
  legend {
    font-weight: 600;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: flex-end;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }
  .error {
    color: var(--coop-danger);
    font-weight: 600;
  }
  .success {
    color: var(--coop-accent);
    font-weight: 600;
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.35rem 0.5rem;
    border-bottom: 1px solid var(--coop-border);
    vertical-align: top;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  code,
  .mono {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
    overflow-wrap: anywhere;
  }
  dl {
    display: grid;
    grid-template-columns: minmax(8rem, max-content) 1fr;
    gap: 0.25rem 1rem;
    margin: 0.5rem 0;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  @media (max-width: 480px) {
    dl {
      grid-template-columns: 1fr;
    }
    dd {
      margin-bottom: 0.5rem;
    }
  }
`;
