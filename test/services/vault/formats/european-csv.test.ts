// CSV as Swiss and French spreadsheets export it (issue 14 item 6): `;` between fields, decimal commas, dates day
// first with dots or slashes, local times in the uploader's time zone, and an explicit choice when slashes are
// ambiguous. Everything goes through the same rules as before, so what is refused is refused with the usual codes.
import { describe, expect, it } from 'vitest';
import { readUpload } from '../../../../services/vault/upload-reader.js';
import { dateOrderOf, localToIso } from '../../../../services/vault/formats/local-dates.js';
import { detectSeparator } from '../../../../services/vault/formats/csv-records.js';

const now = new Date('2026-12-07T12:00:00.000Z');
const csv = (text: string) => ({ type: 'text/csv', text });
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; details: { index: number | null; field: string; code: string }[] };
  }
  throw new Error('not refused');
};

describe('European CSV uploads', () => {
  it('reads semicolons, decimal commas and day-first dotted local times in the given time zone', () => {
    const text =
      'category;value;unit;effectiveAt\r\nbody-weight;72,5;kg;14.03.2024 08:05\r\nheart-rate;61;/min;01.07.2024 23:30\r\n';
    const stored = readUpload(csv(text), now, 100, { timeZone: 'Europe/Zurich' });
    expect(stored.map((o) => [o.category, o.value, o.effectiveAt])).toEqual([
      ['body-weight', 72.5, '2024-03-14T07:05:00.000Z'], // CET, UTC+1
      ['heart-rate', 61, '2024-07-01T21:30:00.000Z'], // CEST, UTC+2
    ]);
  });

  it('settles slash dates from a day above 12, and asks when nothing settles them', () => {
    const settled = 'category,value,unit,effectiveAt\nheart-rate,60,/min,03/04/2024\nheart-rate,61,/min,14/04/2024\n';
    expect(readUpload(csv(settled), now, 100).map((o) => o.effectiveAt)).toEqual([
      '2024-04-03T00:00:00.000Z',
      '2024-04-14T00:00:00.000Z',
    ]);
    const ambiguous = 'category,value,unit,effectiveAt\nheart-rate,60,/min,03/04/2024\n';
    const asked = refusal(() => readUpload(csv(ambiguous), now, 100));
    expect(asked.code).toBe('invalid_observations');
    expect(asked.details).toEqual([
      expect.objectContaining({ index: null, field: 'effectiveAt', code: 'ambiguous_date_order' }),
    ]);
    expect(readUpload(csv(ambiguous), now, 100, { dateOrder: 'month-first' })[0]!.effectiveAt).toBe(
      '2024-03-04T00:00:00.000Z',
    );
    expect(readUpload(csv(ambiguous), now, 100, { dateOrder: 'day-first' })[0]!.effectiveAt).toBe(
      '2024-04-03T00:00:00.000Z',
    );
    const conflicting =
      'category,value,unit,effectiveAt\nheart-rate,60,/min,13/04/2024\nheart-rate,61,/min,04/13/2024\n';
    expect(refusal(() => readUpload(csv(conflicting), now, 100)).details[0]!.code).toBe('conflicting_date_order');
  });

  it('refuses a local time without a time zone, and impossible dates, with the usual row problems', () => {
    const local = 'category;value;unit;effectiveAt\nheart-rate;60;/min;14.03.2024 08:05\n';
    expect(refusal(() => readUpload(csv(local), now, 100)).details[0]).toMatchObject({
      index: 0,
      code: 'missing_timezone',
    });
    const impossible = 'category;value;unit;effectiveAt\nheart-rate;60;/min;31.02.2024 08:05\n';
    expect(refusal(() => readUpload(csv(impossible), now, 100, { timeZone: 'Europe/Paris' })).details[0]!.code).toBe(
      'invalid_time',
    );
    const future = 'category;value;unit;effectiveAt\nheart-rate;60;/min;01.01.2030\n';
    expect(refusal(() => readUpload(csv(future), now, 100)).details[0]!.code).toBe('future_time');
  });

  it('keeps commas as separators in comma files: a quoted "72,5" is not a number there', () => {
    const text = 'category,value,unit,effectiveAt\nbody-weight,"72,5",kg,2024-03-14\n';
    expect(refusal(() => readUpload(csv(text), now, 100)).details[0]).toMatchObject({ field: 'value' });
  });
});

describe('local-dates', () => {
  it('detects the separator from the header line, outside quotes', () => {
    expect(detectSeparator('category;value;unit\n1,2,3')).toBe(';');
    expect(detectSeparator('category,value,unit\n1;2;3')).toBe(',');
    expect(detectSeparator('"a;b;c",d\n')).toBe(',');
  });

  it('converts wall-clock times across daylight saving, with a time in the spring gap moved forward', () => {
    expect(localToIso('2024-10-27 02:30', undefined, 'Europe/Zurich')).toMatch(/^2024-10-27T0[01]:30:00.000Z$/);
    expect(localToIso('31.03.2024 02:30', undefined, 'Europe/Zurich')).toBe('2024-03-31T01:30:00.000Z');
    expect(localToIso('31.03.2024 03:30', undefined, 'Europe/Zurich')).toBe('2024-03-31T01:30:00.000Z');
    expect(localToIso('14.03.2024', undefined, 'Europe/Zurich')).toBe('2024-03-14');
    expect(localToIso('2024-03-14T08:05:00Z', undefined, 'Europe/Zurich')).toBe('2024-03-14T08:05:00Z');
    expect(localToIso('14-03-2024 8:05', undefined, 'UTC')).toBe('2024-03-14T08:05:00.000Z');
  });

  it('reads the order only from slash dates', () => {
    expect(dateOrderOf(['14.03.2024', '2024-01-02'], undefined)).toBeUndefined();
    expect(dateOrderOf(['01/02/2024', '02/01/2024'], undefined)).toBe('ambiguous');
    expect(dateOrderOf(['01/02/2024'], 'day-first')).toBe('day-first');
  });
});
