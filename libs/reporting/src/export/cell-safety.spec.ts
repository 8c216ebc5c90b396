import { csvField, neutraliseFormula, restoreNeutralised } from './cell-safety.js';

describe('cell safety', () => {
  const hostile = ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tx', '\rx'];

  it.each(hostile)('prefixes %j with an apostrophe, so it never starts with a formula character', (text) => {
    const safe = neutraliseFormula(text);
    expect(safe).toBe(`'${text}`);
    expect(safe).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('leaves ordinary text alone, a leading apostrophe before a letter included', () => {
    for (const text of ['Blekinge Havsbruk AB', "'s-Hertogenbosch BV", 'a=b', '1+1', '', 'Ö-varvet']) {
      expect(neutraliseFormula(text)).toBe(text);
    }
  });

  it('gives back exactly what was typed when one apostrophe is stripped, even text that began with apostrophes', () => {
    for (const text of [...hostile, "'=1", "''+2", "'s-Hertogenbosch", 'plain']) {
      expect(restoreNeutralised(neutraliseFormula(text))).toBe(text);
    }
  });

  it('quotes a CSV field holding a separator, quote, line break or tab, after neutralising it', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('\tx')).toBe(`"'\tx"`);
    expect(csvField('\rx')).toBe(`"'\rx"`);
    expect(csvField('+1')).toBe(`'+1`);
    expect(csvField('a;b')).toBe(`"a;b"`);
    expect(csvField('line\nbreak')).toBe(`"line\nbreak"`);
  });

  /** A quote-aware CSV reader splitting on `separator`, as Excel does with the locale's list separator. */
  function cells(line: string, separator: string): string[] {
    const out: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === separator) out.push(field), (field = '');
      else field += c;
    }
    out.push(field);
    return out;
  }

  it('quotes a field holding a comma, so a comma-splitting Excel never starts a cell with a formula', () => {
    expect(csvField("Acme,=cmd|'/C calc'!A0")).toBe(`"Acme,=cmd|'/C calc'!A0"`);
    const typed = ["Acme,=cmd|'/C calc'!A0", 'Acme,=1+1', 'a;+1', 'x\t-2', 'y,@SUM(A1)', '=1,=2;=3', 'plain', 'a,b'];
    const line = typed.map((text) => csvField(text)).join(';');
    for (const separator of [',', ';', '\t']) {
      const read = cells(line, separator);
      expect(read.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    }
    // Read with our own separator, every field comes back whole (only the neutralising apostrophe added).
    expect(cells(line, ';')).toEqual(typed.map((text) => (text === '=1,=2;=3' ? `'${text}` : text)));
  });

  it('writes numbers as numbers (a negative amount is not text) and nothing as an empty field', () => {
    expect(csvField(-2)).toBe('-2');
    expect(csvField(1.5)).toBe('1.5');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });
});
