import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/csv';

describe('CSV exports', () => {
  it('prefixes every cell a spreadsheet would run as a formula with an apostrophe', () => {
    const risky = ['=1+1', '+1', '-2', '@here', '\tTabbed', '\rReturn'];
    const csv = toCsv([risky]);
    expect(csv).toBe(`\ufeff'=1+1,'+1,'-2,'@here,'\tTabbed,"'\rReturn"\r\n`);
  });

  it('leaves safe cells and numbers alone, and quotes commas, quotes and line breaks', () => {
    expect(toCsv([['Plain', 'a+b', 'x@y', -5, 3.5, null], ['say "hi", twice', 'two\nlines']])).toBe('\ufeffPlain,a+b,x@y,-5,3.5,\r\n"say ""hi"", twice","two\nlines"\r\n');
  });
});
