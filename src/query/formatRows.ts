import type { AggregateRow } from './readAggregates';

/** The output formats of `query` (docs/contract.md §2). */
export const QUERY_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

export const ROW_COLUMNS = ['windowStart', 'key', 'count', 'sum', 'min', 'max'] as const;

/**
 * One CSV field by RFC 4180: quoted when it holds a comma, a double quote,
 * CR or LF, with inner quotes doubled. Written here rather than taken from a
 * CSV library: this is the whole of what the format asks for six known
 * columns, and the CLI ships with no such dependency today.
 */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record, CRLF-terminated as RFC 4180 has it. */
export function csvRecord(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function cells(row: AggregateRow): (string | number)[] {
  return [row.windowStart, row.key, row.count, row.sum, row.min, row.max];
}

/**
 * Writes rows as they come, in one format, holding at most one table's
 * worth of rows: `json` is the one object `query --json` has always printed,
 * written incrementally; `jsonl` is one row object a line; `csv` a header and
 * a record per row; `table` aligned columns, the widths taken from the first
 * {@link TABLE_SAMPLE} rows (a longer cell later widens only its line).
 */
export class RowWriter {
  private rows = 0;
  private sample: AggregateRow[] | undefined = [];
  private widths: number[] | undefined;

  constructor(
    private readonly format: QueryFormat,
    private readonly write: (text: string) => void,
    header: { type: string; window: string },
  ) {
    if (format === 'json') write(`{"type":${JSON.stringify(header.type)},"window":${JSON.stringify(header.window)},"rows":[`);
    else if (format === 'csv') write(csvRecord(ROW_COLUMNS));
  }

  get count(): number {
    return this.rows;
  }

  add(rows: readonly AggregateRow[]): void {
    if (rows.length === 0) return;
    switch (this.format) {
      case 'json':
        this.write(rows.map((row, i) => (this.rows + i === 0 ? '' : ',') + JSON.stringify(row)).join(''));
        break;
      case 'jsonl':
        this.write(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
        break;
      case 'csv':
        this.write(rows.map((row) => csvRecord(cells(row))).join(''));
        break;
      case 'table':
        if (this.sample) {
          this.sample.push(...rows);
          if (this.sample.length >= TABLE_SAMPLE) this.flushSample();
        } else this.write(rows.map((row) => this.tableLine(cells(row))).join(''));
        break;
    }
    this.rows += rows.length;
  }

  /** Ends the output; `empty` is what a table says when there were no rows. */
  end(empty: string): void {
    if (this.format === 'json') this.write(']}\n');
    else if (this.format === 'table') {
      if (this.rows === 0) this.write(`${empty}\n`);
      else if (this.sample) this.flushSample();
    }
  }

  private flushSample(): void {
    const sample = this.sample!;
    this.sample = undefined;
    this.widths = ROW_COLUMNS.map((header, column) => Math.max(header.length, ...sample.map((row) => String(cells(row)[column]).length)));
    this.write(this.tableLine(ROW_COLUMNS) + sample.map((row) => this.tableLine(cells(row))).join(''));
  }

  private tableLine(values: readonly (string | number)[]): string {
    const widths = this.widths!;
    return `${values
      .map((cell, column) => (typeof cell === 'number' ? String(cell).padStart(widths[column]!) : String(cell).padEnd(widths[column]!)))
      .join('  ')
      .trimEnd()}\n`;
  }
}

/** Rows a table is sized by before it starts printing. */
const TABLE_SAMPLE = 1_000;
