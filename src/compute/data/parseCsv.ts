/**
 * CSV/TSV feature tables -> a ParsedTable (all columns, Float32 storage), streaming through
 * papaparse so a paper-size table (5 530 x 1 582, ~90 MB) never becomes arrays of objects.
 * Column roles (label, group, features) are chosen afterwards, in columnRoles.ts.
 */
import Papa from 'papaparse';
import { tableError, TableError } from './tableError';
import { METADATA_NAME } from './columnNames';

export type ColumnKind = 'numeric' | 'text';

export interface ParsedTable {
  name: string;
  columns: string[];
  kinds: ColumnKind[];
  nRows: number;
  /** nRows x nCols row-major; NaN where a cell is empty, non-finite or not a number. */
  values: Float32Array;
  /**
   * Raw strings, kept for text columns and for numeric columns whose name says they are
   * metadata (speaker "03" must stay "03"); null for plain numeric columns.
   */
  text: (string[] | null)[];
  /** Per column: cells that were empty, NaN or +-Inf. */
  missing: Int32Array;
  /** Per numeric column: cells that were not numbers at all, and the first one. */
  nonNumeric: { count: number; row: number; value: string }[];
  delimiter: string;
  bytes: number;
}

export interface ParseOptions {
  /** Upper bound on the numeric storage, in bytes; beyond it the load stops with 'too_large'. */
  maxBytes?: number;
  onProgress?: (fraction: number, rows: number) => void;
  isCancelled?: () => boolean;
}

export const DEFAULT_MAX_BYTES = 1.5 * 1024 ** 3;

/** Tokens that mean "missing or non-finite" rather than "not a number at all". */
const MISSING_TOKENS = new Set(['', 'nan', 'na', 'n/a', 'null', '?', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);


/** A number, NaN for a missing/non-finite token, or undefined when the cell is not numeric. */
export function parseCell(raw: string, decimalComma = false): number | undefined {
  let s = raw.trim();
  // "1,5" in a semicolon-separated file is the European way to write 1.5.
  if (decimalComma && /^[-+]?\d*,\d+(e[-+]?\d+)?$/i.test(s)) s = s.replace(',', '.');
  if (MISSING_TOKENS.has(s.toLowerCase())) return Number.NaN;
  const v = Number(s);
  if (Number.isNaN(v)) return undefined;
  return Number.isFinite(v) ? v : Number.NaN;
}

/** A quick look at the first bytes: NUL bytes or many control characters mean "not text". */
export function looksBinary(head: string): number | null {
  let control = 0;
  const n = Math.min(head.length, 8192);
  for (let i = 0; i < n; i++) {
    const c = head.charCodeAt(i);
    if (c === 0) return i;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
    if (c === 0xfffd) control++; // replacement char: the bytes were not valid UTF-8
  }
  return n > 0 && control / n > 0.05 ? 0 : null;
}

/** Accumulates rows into growing typed storage; used by both the string and the File paths. */
export class TableBuilder {
  private columns: string[] = [];
  private kinds: ColumnKind[] = [];
  private keepText: boolean[] = [];
  private text: (string[] | null)[] = [];
  private values = new Float32Array(0);
  private missing = new Int32Array(0);
  private nonNumeric: { count: number; row: number; value: string }[] = [];
  private nRows = 0;
  private kindDecided: boolean[] = [];
  private readonly maxBytes: number;
  /** Set once the delimiter is known: ';' files may write decimals with a comma. */
  decimalComma = false;

  constructor(private readonly name: string, maxBytes = DEFAULT_MAX_BYTES) {
    this.maxBytes = maxBytes;
  }

  get rows(): number {
    return this.nRows;
  }
  get hasHeader(): boolean {
    return this.columns.length > 0;
  }

  header(fields: string[]): void {
    const names = fields.map((f, i) => (i === 0 ? f.replace(/^\ufeff/, '') : f).trim());
    // A trailing empty header cell from a trailing delimiter is not a column.
    while (names.length > 1 && names[names.length - 1] === '') names.pop();
    if (names.length > 0 && names.every((n) => n !== '' && parseCell(n) !== undefined && !Number.isNaN(parseCell(n)!))) {
      throw tableError('no_header', 'The first row holds only numbers, so the table has no header row.',
        'Add a header row naming each column (e.g. label,f1,f2,...) and load the file again.', { row: 0 });
    }
    const seen = new Map<string, number>();
    const dups: string[] = [];
    names.forEach((n, i) => {
      const key = n;
      if (n === '') return;
      if (seen.has(key)) dups.push(`"${n}" (columns ${seen.get(key)! + 1} and ${i + 1})`);
      else seen.set(key, i);
    });
    if (dups.length) {
      throw tableError('duplicate_columns', `Duplicate column names: ${dups.slice(0, 5).join(', ')}${dups.length > 5 ? ', ...' : ''}.`,
        'Give every column a unique name in the header row and load the file again.', { row: 0, column: dups[0] });
    }
    this.columns = names.map((n, i) => (n === '' ? `column${i + 1}` : n));
    const c = this.columns.length;
    this.kinds = new Array<ColumnKind>(c).fill('numeric');
    this.kindDecided = new Array<boolean>(c).fill(false);
    this.keepText = this.columns.map((n) => METADATA_NAME.test(n));
    this.text = this.columns.map((_, i) => (this.keepText[i] ? [] : null));
    this.missing = new Int32Array(c);
    this.nonNumeric = this.columns.map(() => ({ count: 0, row: 0, value: '' }));
    this.values = new Float32Array(c * 256);
  }

  private grow(): void {
    const c = this.columns.length;
    const needed = this.values.length * 2;
    if (needed * 4 > this.maxBytes) {
      throw tableError('too_large',
        `The table is too large to hold in memory here: more than ${this.nRows.toLocaleString('en')} rows x ${c.toLocaleString('en')} columns (limit ${(this.maxBytes / 1024 ** 2).toFixed(0)} MB of numbers).`,
        'Load a subset of the rows or columns (e.g. split the file), or use a machine with more memory.');
    }
    const next = new Float32Array(Math.max(needed, c * 256)); // may throw RangeError: toErrorInfo maps it to too_large
    next.set(this.values);
    this.values = next;
  }

  addRow(fields: string[]): void {
    const c = this.columns.length;
    const dataRow = this.nRows + 1;
    if (fields.length !== c) {
      // A trailing delimiter gives one extra empty field: tolerate it.
      const extraEmpty = fields.length > c && fields.slice(c).every((f) => f.trim() === '');
      if (!extraEmpty) {
        throw tableError('ragged', `Row ${dataRow} has ${fields.length} fields but the header has ${c} columns.`,
          `Fix row ${dataRow} (line ${dataRow + 1} of the file) so it has one value per column; a missing value can be left empty between delimiters.`, { row: dataRow });
      }
    }
    if ((this.nRows + 1) * c > this.values.length) this.grow();
    const base = this.nRows * c;
    for (let j = 0; j < c; j++) {
      const raw = fields[j];
      let v = parseCell(raw, this.decimalComma);
      if (!this.kindDecided[j] && raw.trim() !== '') {
        // A column's kind is set by its first non-empty cell.
        this.kindDecided[j] = true;
        if (v === undefined) {
          this.kinds[j] = 'text';
          if (!this.text[j]) this.text[j] = new Array<string>(this.nRows).fill('');
        }
      }
      if (this.kinds[j] === 'text') v = Number.NaN;
      else if (v === undefined) {
        const nn = this.nonNumeric[j];
        if (nn.count === 0) {
          nn.row = dataRow;
          nn.value = raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
        }
        nn.count++;
        v = Number.NaN;
      } else if (Number.isNaN(v)) this.missing[j]++;
      this.values[base + j] = v;
      const t = this.text[j];
      if (t) t.push(raw.trim());
    }
    this.nRows++;
  }

  finish(delimiter: string, bytes: number): ParsedTable {
    if (!this.hasHeader) {
      throw tableError('empty', 'The file is empty.', 'Choose a CSV or TSV file with a header row and one row per utterance.');
    }
    if (this.nRows === 0) {
      throw tableError('header_only', `The file has a header (${this.columns.length} columns) but no data rows.`,
        'Add one row per utterance below the header, or choose another file.', { row: 1 });
    }
    const c = this.columns.length;
    return {
      name: this.name,
      columns: this.columns,
      kinds: this.kinds,
      nRows: this.nRows,
      values: this.values.slice(0, this.nRows * c),
      text: this.text,
      missing: this.missing,
      nonNumeric: this.nonNumeric,
      delimiter,
      bytes,
    };
  }
}

const PAPA_BASE = {
  skipEmptyLines: 'greedy' as const,
  delimitersToGuess: [',', '\t', ';', '|'],
};

/** Papa's own errors: a quote that never closes is the one that matters. */
function checkPapaErrors(errors: Papa.ParseError[], rowOffset: number): void {
  const bad = errors.find((e) => e.type === 'Quotes');
  if (bad) {
    const row = (bad.row ?? 0) + rowOffset;
    throw tableError('ragged', `Row ${row} has a quote (") that is never closed.`,
      `Close the quoted field in row ${row} (line ${row + 1}) or remove the stray quote.`, { row });
  }
}

/** Parse a whole table held in a string (tests, fixtures, small pastes). */
export function parseCsvText(text: string, name = 'table.csv', opts: ParseOptions = {}): ParsedTable {
  if (text.replace(/^\ufeff/, '').trim() === '') {
    throw tableError('empty', 'The file is empty.', 'Choose a CSV or TSV file with a header row and one row per utterance.');
  }
  const at = looksBinary(text.slice(0, 8192));
  if (at !== null) throw binaryError(at);
  const builder = new TableBuilder(name, opts.maxBytes);
  const res = Papa.parse<string[]>(text.replace(/^\ufeff/, ''), { ...PAPA_BASE });
  checkPapaErrors(res.errors, 0);
  builder.decimalComma = res.meta.delimiter === ';';
  const rows = res.data;
  if (rows.length === 0) {
    throw tableError('empty', 'The file is empty.', 'Choose a CSV or TSV file with a header row and one row per utterance.');
  }
  builder.header(rows[0]);
  for (let i = 1; i < rows.length; i++) builder.addRow(rows[i]);
  return builder.finish(res.meta.delimiter, text.length);
}

function binaryError(at: number): TableError {
  return tableError('binary', `This does not look like a text table: binary content near byte ${at}.`,
    'Export your features as a CSV or TSV text file (one header row, one row per utterance) and load that.');
}

/**
 * Parse a File/Blob in chunks (in the worker), reporting progress and honouring cancel.
 * Rejects with a TableError.
 */
export async function parseCsvFile(file: Blob & { name?: string }, opts: ParseOptions = {}): Promise<ParsedTable> {
  const name = file.name ?? 'table.csv';
  if (file.size === 0) {
    throw tableError('empty', `"${name}" is empty (0 bytes).`, 'Choose a CSV or TSV file with a header row and one row per utterance.');
  }
  const head = await file.slice(0, 8192).text();
  const at = looksBinary(head);
  if (at !== null) throw binaryError(at);
  if (head.replace(/^\ufeff/, '').trim() === '' && file.size <= 8192) {
    throw tableError('empty', `"${name}" has no content.`, 'Choose a CSV or TSV file with a header row and one row per utterance.');
  }
  const builder = new TableBuilder(name, opts.maxBytes);
  let delimiter = ',';
  let lastReport = 0;
  return new Promise<ParsedTable>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown, parser?: Papa.Parser) => {
      failed = true;
      parser?.abort();
      reject(e);
    };
    Papa.parse<string[]>(file as File, {
      ...PAPA_BASE,
      chunkSize: 2 * 1024 * 1024,
      chunk: (res, parser) => {
        if (failed) return;
        try {
          if (opts.isCancelled?.()) throw tableError('cancelled', 'Loading was cancelled.', 'Load the file again when you are ready.');
          checkPapaErrors(res.errors, builder.rows + (builder.hasHeader ? 0 : -1));
          delimiter = res.meta.delimiter || delimiter;
          builder.decimalComma = delimiter === ';';
          let start = 0;
          if (!builder.hasHeader && res.data.length > 0) {
            builder.header(res.data[0]);
            start = 1;
          }
          for (let i = start; i < res.data.length; i++) builder.addRow(res.data[i]);
          const now = Date.now();
          if (opts.onProgress && now - lastReport > 100) {
            lastReport = now;
            opts.onProgress(Math.min(1, res.meta.cursor / file.size), builder.rows);
          }
        } catch (e) {
          fail(e, parser);
        }
      },
      complete: () => {
        if (failed) return;
        try {
          opts.onProgress?.(1, builder.rows);
          resolve(builder.finish(delimiter, file.size));
        } catch (e) {
          reject(e);
        }
      },
      error: (err) => fail(tableError('read_failed', `The file could not be read: ${err.message}`, 'Check the file and try again.')),
    });
  });
}
