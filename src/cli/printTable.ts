/** Prints rows as aligned columns; numbers align right. */
export function printTable(out: (text: string) => void, headers: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells: readonly (string | number)[]) =>
    cells
      .map((cell, column) => (typeof cell === 'number' ? String(cell).padStart(widths[column]) : String(cell).padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  out([line(headers), ...rows.map(line)].join('\n'));
}
