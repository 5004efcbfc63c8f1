import type { AggregateRow } from './readAggregates';

/** The output formats of `query` (docs/contract.md §2). */
export const QUERY_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

export const ROW_COLUMNS = ['windowStart', 'key', 'count', 'sum', 'min', 'max'] as const;

/**
 * One CSV field by RFC 4180: quoted when it holds a comma, a double quote,
 * CR or LF, with inner quotes doubled. Written here rather than taken from a
 * CSV library: this is the whole of what the format asks for columns known
 * before the first record, and the CLI ships with no such dependency today.
 */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record, CRLF-terminated as RFC 4180 has it. */
export function csvRecord(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** One column of CSV and table output: its header and its cell of a row ('' when the row has no such value). */
interface Column {
  readonly header: string;
  readonly cell: (row: AggregateRow) => string | number;
}

const BASE_COLUMNS: readonly Column[] = ROW_COLUMNS.map((header) => ({ header, cell: (row: AggregateRow) => row[header] }));

/** What a writer is told beyond the format. */
export interface RowWriterOptions {
  /**
   * Quantile names asked for by `--quantiles`: CSV and table show these
   * columns whatever the rows hold. Absent: the columns of the quantiles the
   * first rows have.
   */
  readonly quantileColumns?: readonly string[];
}

/**
 * The columns of CSV and table output for rows whose first ones are
 * `sample`: the six plain ones, then the quantiles (as asked, or as the
 * sample has them, in the rows' order), then `distinct:<field>` for every
 * field the sample counts, by name. CSV's header comes before the first
 * record, so a field that first appears in a later row has no column there;
 * JSON and JSONL always carry every field (docs/contract.md §2).
 */
export function columnsFor(sample: readonly AggregateRow[], options: RowWriterOptions, compact: boolean): Column[] {
  const quantiles = new Set(options.quantileColumns ?? []);
  const distinct = new Set<string>();
  for (const row of sample) {
    if (!options.quantileColumns) for (const name of Object.keys(row.quantiles ?? {})) quantiles.add(name);
    for (const field of Object.keys(row.distinct ?? {})) distinct.add(field);
  }
  const number = (value: number | undefined) => (value === undefined ? '' : compact ? Number(value.toPrecision(6)) : value);
  return [
    ...BASE_COLUMNS,
    ...[...quantiles].map((name) => ({ header: name, cell: (row: AggregateRow) => number(row.quantiles?.[name]) })),
    ...[...distinct].sort().map((field) => ({ header: `distinct:${field}`, cell: (row: AggregateRow) => row.distinct?.[field] ?? '' })),
  ];
}

/**
 * Writes rows as they come, in one format, holding at most one table's
 * worth of rows: `json` is the one object `query --json` has always printed,
 * written incrementally; `jsonl` is one row object a line; `csv` a header and
 * a record per row, the header written with the first rows (it names their
 * measures' columns); `table` aligned columns, the columns and widths taken
 * from the first {@link TABLE_SAMPLE} rows (a longer cell later widens only
 * its line).
 */
export class RowWriter {
  private rows = 0;
  private sample: AggregateRow[] | undefined = [];
  private widths: number[] | undefined;
  private columns: Column[] | undefined;

  constructor(
    private readonly format: QueryFormat,
    private readonly write: (text: string) => void,
    header: { type: string; window: string },
    private readonly options: RowWriterOptions = {},
  ) {
    if (format === 'json') write(`{"type":${JSON.stringify(header.type)},"window":${JSON.stringify(header.window)},"rows":[`);
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
      case 'csv': {
        if (!this.columns) this.csvHeader(rows);
        const columns = this.columns!;
        this.write(rows.map((row) => csvRecord(columns.map((column) => column.cell(row)))).join(''));
        break;
      }
      case 'table':
        if (this.sample) {
          this.sample.push(...rows);
          if (this.sample.length >= TABLE_SAMPLE) this.flushSample();
        } else this.write(rows.map((row) => this.tableLine(this.cells(row))).join(''));
        break;
    }
    this.rows += rows.length;
  }

  /** Ends the output; `empty` is what a table says when there were no rows. */
  end(empty: string): void {
    if (this.format === 'json') this.write(']}\n');
    else if (this.format === 'csv') {
      if (!this.columns) this.csvHeader([]);
    } else if (this.format === 'table') {
      if (this.rows === 0) this.write(`${empty}\n`);
      else if (this.sample) this.flushSample();
    }
  }

  private csvHeader(first: readonly AggregateRow[]): void {
    this.columns = columnsFor(first, this.options, false);
    this.write(csvRecord(this.columns.map((column) => column.header)));
  }

  private cells(row: AggregateRow): (string | number)[] {
    return this.columns!.map((column) => column.cell(row));
  }

  private flushSample(): void {
    const sample = this.sample!;
    this.sample = undefined;
    const columns = columnsFor(sample, this.options, true);
    this.columns = columns;
    const rows = sample.map((row) => this.cells(row));
    this.widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((cells) => String(cells[index]).length)));
    this.write(this.tableLine(columns.map((column) => column.header)) + rows.map((cells) => this.tableLine(cells)).join(''));
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
