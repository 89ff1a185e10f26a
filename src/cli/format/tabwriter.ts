// Go's text/tabwriter as docker/cli sets it up (minwidth 10, padding 3, spaces): tab-terminated cells aligned in columns.

export interface TabwriterOptions {
  minWidth: number;
  padding: number;
}

export const DOCKER_TABWRITER: TabwriterOptions = { minWidth: 10, padding: 3 };

/** Aligns `text`; a line's last cell (not ended by a tab) is printed as is, like Go's. */
export function alignColumns(text: string, options: TabwriterOptions = DOCKER_TABWRITER): string {
  const lines = text.split('\n');
  const trailingNewline = lines.at(-1) === '';
  if (trailingNewline) lines.pop();
  const rows = lines.map((line) => line.split('\t'));
  const widths: number[] = [];
  for (const cells of rows) {
    cells.slice(0, -1).forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? options.minWidth, displayWidth(cell) + options.padding);
    });
  }
  const aligned = rows.map((cells) =>
    cells.map((cell, column) => (column < cells.length - 1 ? cell + ' '.repeat(widths[column] - displayWidth(cell)) : cell)).join(''),
  );
  return aligned.join('\n') + (trailingNewline ? '\n' : '');
}

function displayWidth(text: string): number {
  return Array.from(text).length;
}
