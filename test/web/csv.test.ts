// The research answer's CSV: RFC 4180 quoting, and no column that is empty in every row.
import { describe, expect, it } from 'vitest';
import { csvTable } from '../../web-components/src/csv.js';

describe('csvTable', () => {
  it('drops a column empty in every row and keeps header and rows aligned', () => {
    const csv = csvTable(
      ['component', 'group', 'suppressed', 'value', 'detail'],
      [
        [undefined, 'Sex: female', false, 40, ''],
        [null, 'Sex: other', true, '', ''],
      ],
    );
    expect(csv).toBe('group,suppressed,value\nSex: female,false,40\nSex: other,true,\n');
    const widths = csv
      .trimEnd()
      .split('\n')
      .map((l) => l.split(',').length);
    expect(new Set(widths)).toEqual(new Set([3]));
  });

  it('keeps a column as soon as one row has a value, including 0 and false', () => {
    expect(
      csvTable(
        ['a', 'b'],
        [
          [0, ''],
          ['', false],
        ],
      ),
    ).toBe('a,b\n0,\n,false\n');
  });

  it('quotes commas, quotes and line breaks, so a value cannot add a column or a row', () => {
    const csv = csvTable(['group', 'detail'], [['Age: 40–49, Sex: male', 'p50 "68"\nnext']]);
    expect(csv).toBe('group,detail\n"Age: 40–49, Sex: male","p50 ""68""\nnext"\n');
  });

  it('keeps the whole header when there is no row', () => {
    expect(csvTable(['a', 'b'], [])).toBe('a,b\n');
  });
});
