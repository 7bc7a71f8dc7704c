import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { parseCsvFile, parseCsvText, type ParsedTable } from '../../../src/compute/data/parseCsv';
import { buildDataset, suggestRoles } from '../../../src/compute/data/columnRoles';
import { TableError, toErrorInfo } from '../../../src/compute/data/tableError';

const fixture = (f: string) => resolve(__dirname, '../../fixtures/tables', f);
const shared = (f: string) => resolve(__dirname, '../../../../shared/data', f);
const text = (f: string) => readFileSync(fixture(f), 'latin1');

function load(f: string): ParsedTable {
  return parseCsvText(readFileSync(fixture(f)).toString('utf8'), f);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TableError);
    return (e as TableError).info.code;
  }
  return 'no error';
}

describe('parseCsvText on the bad-input fixtures', () => {
  it('empty file', () => expect(codeOf(() => load('empty.csv'))).toBe('empty'));
  it('binary file', () => expect(codeOf(() => parseCsvText(text('binary.csv')))).toBe('binary'));
  it('header only', () => expect(codeOf(() => load('header-only.csv'))).toBe('header_only'));
  it('no header', () => expect(codeOf(() => load('no-header.csv'))).toBe('no_header'));
  it('ragged rows name the row', () => {
    try {
      load('ragged.csv');
      expect.unreachable();
    } catch (e) {
      const info = toErrorInfo(e);
      expect(info.code).toBe('ragged');
      expect(info.row).toBe(2);
      expect(info.message).toContain('Row 2 has 3 fields');
    }
  });
  it('duplicate column names', () => {
    const info = (() => { try { load('duplicate-columns.csv'); } catch (e) { return toErrorInfo(e); } })();
    expect(info?.code).toBe('duplicate_columns');
    expect(info?.message).toContain('"f1" (columns 2 and 4)');
  });
  it('non-numeric value in a feature column names row, column and value', () => {
    const t = load('non-numeric.csv');
    const roles = suggestRoles(t);
    expect(roles.features).toEqual(['f1', 'f2', 'f3']);
    try {
      buildDataset(t, roles);
      expect.unreachable();
    } catch (e) {
      const info = toErrorInfo(e);
      expect(info.code).toBe('non_numeric');
      expect(info).toMatchObject({ row: 2, column: 'f2' });
      expect(info.message).toContain('"five"');
      expect(info.hint).toContain('exclude column "f2"');
    }
    // Excluding that column makes it load.
    const ok = buildDataset(t, { ...roles, features: ['f1', 'f3'] });
    expect(ok.dataset.d).toBe(2);
  });
  it('NaN / Inf / empty cells are counted, dropped by default, or filled with the mean', () => {
    const t = load('missing-values.csv');
    const roles = suggestRoles(t);
    const dropped = buildDataset(t, roles);
    expect(dropped.summary.missingCells).toBe(3);
    expect(dropped.summary.rowsWithMissing).toBe(3);
    expect(dropped.summary.dropped.missingValues).toBe(3);
    expect(dropped.dataset.n).toBe(7);
    const filled = buildDataset(t, { ...roles, missing: 'mean' });
    expect(filled.dataset.n).toBe(10);
    // f2 of row 2 was NaN: filled with the mean of the other f2 values.
    const f2 = [2, 8, 2, 3, 5, 6, 7, 8]; // rows whose f2 is finite (row 4 has an empty f2)
    const mean = f2.reduce((a, b) => a + b, 0) / f2.length;
    expect(filled.dataset.features[1 * 3 + 1]).toBeCloseTo(mean, 5);
    expect(Array.from(filled.dataset.features).every(Number.isFinite)).toBe(true);
  });
  it('a label with fewer than 2 classes', () => {
    const t = load('one-class.csv');
    expect(codeOf(() => buildDataset(t, suggestRoles(t)))).toBe('too_few_classes');
  });
  it('a class with fewer than 2 rows', () => {
    const t = load('class-too-small.csv');
    expect(codeOf(() => buildDataset(t, suggestRoles(t)))).toBe('class_too_small');
  });
  it('too large for memory stops with a clear error', () => {
    const big = 'label,f1,f2\n' + Array.from({ length: 5000 }, (_, i) => `${i % 2 ? 'a' : 'b'},${i},${i}`).join('\n');
    expect(codeOf(() => parseCsvText(big, 'big.csv', { maxBytes: 4096 }))).toBe('too_large');
  });
});

describe('formats that must simply work', () => {
  for (const f of ['semicolon.csv', 'tab.tsv', 'bom-crlf-quoted.csv']) {
    it(f, () => {
      const t = load(f);
      expect(t.columns).toEqual(['name', 'label', 'speaker', 'f1', 'f2', 'f3']);
      const roles = suggestRoles(t);
      expect(roles).toMatchObject({ label: 'label', group: 'speaker', features: ['f1', 'f2', 'f3'] });
      const { dataset, summary } = buildDataset(t, roles);
      expect(dataset.n).toBe(4);
      expect(Array.from(dataset.features.slice(0, 3))).toEqual([1.5, 2, 3]);
      expect(summary.groupCounts).toEqual([{ name: 's1', count: 2 }, { name: 's2', count: 2 }]);
    });
  }
  it('quoted fields keep commas and escaped quotes', () => {
    const t = load('bom-crlf-quoted.csv');
    expect(t.text[0]).toEqual(['a, the first', 'b "quoted"', 'c', 'd']);
  });
});

describe('the real tables', () => {
  it('EmoDB demo: label column, 4 classes, 339 rows, f1..f382, speaker group', () => {
    const t = parseCsvText(readFileSync(shared('emodb-is09.csv'), 'utf8'), 'emodb-is09.csv');
    const roles = suggestRoles(t);
    expect(roles.label).toBe('label');
    expect(roles.group).toBe('speaker');
    expect(roles.features.length).toBe(382);
    expect(roles.features[0]).toBe('f1');
    expect(roles.keepClasses).toEqual(['angry', 'happy', 'neutral', 'sad']);
    const { dataset, summary } = buildDataset(t, roles);
    expect(dataset.n).toBe(339);
    expect(summary.classCounts).toEqual([
      { name: 'angry', count: 127 }, { name: 'happy', count: 71 }, { name: 'neutral', count: 79 }, { name: 'sad', count: 62 },
    ]);
    expect(summary.dropped.otherClass).toBe(196);
    expect(summary.groupCounts?.length).toBe(10);
    expect(dataset.groupNames).toContain('03');
    expect(summary.ignoredColumns).toEqual(expect.arrayContaining(['name', 'recognition_pct', 'naturalness_pct', 'emotion', 'text']));
  });
  it('URDU IS10 through the streaming File path: d = 1582, 100 rows per class', async () => {
    const buf = readFileSync(shared('urdu-is10.csv'));
    const file = Object.assign(new Blob([buf]), { name: 'urdu-is10.csv' });
    const progress: number[] = [];
    const t = await parseCsvFile(file, { onProgress: (f) => progress.push(f) });
    const { dataset, summary } = buildDataset(t, suggestRoles(t));
    expect(dataset.d).toBe(1582);
    expect(summary.classCounts.map((c) => c.count)).toEqual([100, 100, 100, 100]);
    expect(progress[progress.length - 1]).toBe(1);
    // Spot check one value against the file: row 1, f1 = 165.
    expect(dataset.features[0]).toBe(165);
  });
  it('the File path honours cancel', async () => {
    const buf = readFileSync(shared('urdu-is10.csv'));
    const file = Object.assign(new Blob([buf]), { name: 'urdu-is10.csv' });
    await expect(parseCsvFile(file, { isCancelled: () => true })).rejects.toMatchObject({ info: { code: 'cancelled' } });
  });
});

describe('property: random malformed tables never throw anything but a TableError', () => {
  const cell = fc.oneof(
    fc.constantFrom('', 'NaN', 'inf', '-Inf', '1e3', '"x,y"', '"', 'abc', '\u0000', '\ufeff', ';', '\t', '1,5'),
    fc.double({ noNaN: false }).map(String),
    fc.string({ maxLength: 6 }),
  );
  const table = fc.array(fc.array(cell, { minLength: 0, maxLength: 6 }), { minLength: 0, maxLength: 12 });
  const sep = fc.constantFrom(',', ';', '\t');
  const eol = fc.constantFrom('\n', '\r\n');
  it('parse + suggest + build', () => {
    fc.assert(
      fc.property(table, sep, eol, (rows, s, e) => {
        const txt = rows.map((r) => r.join(s)).join(e);
        try {
          const t = parseCsvText(txt, 'random.csv');
          buildDataset(t, suggestRoles(t));
        } catch (err) {
          if (!(err instanceof TableError)) throw err;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('rowsToCsv (synthetic rows out) reads back through parseCsvText', () => {
  it('round-trips names, values (float32 precision) and labels', async () => {
    const { rowsToCsv } = await import('../../../src/compute/data/writeCsv');
    const features = new Float32Array([1.5, -2.25e-7, 3, 123456.789, 0.1, 7, 0, 1, 2, -1e10, 5, 6]);
    const csv = rowsToCsv(features, new Int32Array([1, 0, 0, 1]), 3, ['f1', 'f,2', 'f3'], ['sad', 'angry']);
    const t = parseCsvText(csv, 'synthetic.csv');
    expect(t.columns).toEqual(['f1', 'f,2', 'f3', 'label']);
    const { dataset } = buildDataset(t, { label: 'label', group: null, features: ['f1', 'f,2', 'f3'], keepClasses: ['sad', 'angry'], missing: 'drop' });
    expect(Array.from(dataset.features)).toEqual(Array.from(features));
    expect(Array.from(dataset.labels)).toEqual([1, 0, 0, 1]);
  });
});
