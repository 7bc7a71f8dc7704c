/**
 * Every problem with a user's table is a TableError: what is wrong, where (row / column when
 * known) and what to do. The UI shows `message` and `hint`; tests match on `code`.
 */
export type TableErrorCode =
  | 'empty'
  | 'binary'
  | 'header_only'
  | 'no_header'
  | 'ragged'
  | 'duplicate_columns'
  | 'non_numeric'
  | 'too_few_classes'
  | 'class_too_small'
  | 'too_few_features'
  | 'no_label_column'
  | 'unknown_column'
  | 'too_large'
  | 'read_failed'
  | 'cancelled';

export interface TableErrorInfo {
  code: TableErrorCode;
  message: string;
  hint: string;
  /** 1-based data row (the header is row 0), when the problem is in one row. */
  row?: number;
  column?: string;
}

export class TableError extends Error {
  readonly info: TableErrorInfo;
  constructor(info: TableErrorInfo) {
    super(info.message);
    this.name = 'TableError';
    this.info = info;
  }
}

export function tableError(
  code: TableErrorCode,
  message: string,
  hint: string,
  where: { row?: number; column?: string } = {},
): TableError {
  return new TableError({ code, message, hint, ...where });
}

/** Plain-data form of any error, safe to send across a worker boundary. */
export function toErrorInfo(e: unknown): TableErrorInfo {
  if (e instanceof TableError) return e.info;
  if (e && typeof e === 'object' && 'info' in e) {
    const info = (e as { info: unknown }).info;
    if (info && typeof info === 'object' && 'code' in info && 'message' in info) return info as TableErrorInfo;
  }
  if (e instanceof RangeError) {
    return {
      code: 'too_large',
      message: `The table is too large for this browser's memory (${e.message}).`,
      hint: 'Load fewer rows or columns (e.g. split the file), or use a browser/machine with more memory.',
    };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'read_failed', message: `The file could not be read: ${msg}`, hint: 'Check that it is a CSV or TSV text file and try again.' };
}
