// Go's text/tabwriter (docker/cli's copy) with space padding: aligns tab-terminated cells into elastic columns.
import { displayWidth } from './text-width.ts';

export interface TabwriterOptions {
  /** Minimal cell width, padding included. */
  minWidth: number;
  /** Spaces added to the widest cell of a column. */
  padding: number;
}

interface Cell {
  text: string;
  width: number;
}

/** docker/cli's tables: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
export const DOCKER_TABLE: TabwriterOptions = { minWidth: 10, padding: 3 };

/**
 * Lays out text the way Go's tabwriter does when it is written whole and flushed. A cell is
 * terminated by '\t' (or '\v'); the text after a line's last tab is not part of any column.
 * A column spans consecutive lines that have a cell in it, so its width is set per block.
 * A line with no tab ends all blocks, as does '\f'.
 */
export function tabwrite(text: string, options: TabwriterOptions): string {
  return uniformTable(text, options) ?? blocks(text, options);
}

/**
 * The common table, every line ending in a newline with the same number of tabs and no '\v' or '\f',
 * is one block per column: each column is as wide as its widest cell, on every line. Laid out from
 * split strings, with no cell objects, it is the same bytes for a fraction of the work; any other text is undefined.
 */
function uniformTable(text: string, options: TabwriterOptions): string | undefined {
  if (!text.endsWith('\n') || /[\v\f]/.test(text)) return undefined;
  const lines = text.slice(0, -1).split('\n');
  const rows = lines.map((line) => line.split('\t'));
  if (rows[0].length < 2 || rows.some((row) => row.length !== rows[0].length)) return undefined;
  // Printable ASCII, tabs and newlines aside, is one column per character: no width to measure per cell.
  return layoutRows(rows, options, /^[\x20-\x7e\t\n]*$/.test(text) ? undefined : displayWidth);
}

/**
 * tabwrite() of the rows' cells joined by tabs, each row a line, laid out from the cells themselves: a listing's
 * values go into the table without a text of lines first built and then split again (a thousand images: ~1.5 ms).
 * Undefined unless every cell is printable ASCII, for tabwrite() to lay out the text instead.
 */
export function tabwriteCells(rows: string[][], options: TabwriterOptions): string | undefined {
  const out = layoutRows(rows, options);
  // One scan of the output: a tab, '\v', '\f' or a character of another width in a cell shows here, a newline
  // in a cell as a line too many.
  if (/[^\x20-\x7e\n]/.test(out)) return undefined;
  let lines = 0;
  for (let at = out.indexOf('\n'); at !== -1; at = out.indexOf('\n', at + 1)) lines++;
  return lines === rows.length ? out : undefined;
}

/**
 * Rows of as many cells each, every cell but the last of a row padded to its column's widest. Printable ASCII (no
 * `displayWidth`) is one column per character, measured inline: a call per cell is most of a cold table's time.
 */
function layoutRows(rows: string[][], options: TabwriterOptions, displayWidthOf?: (cell: string) => number): string {
  const cells = rows[0].length;
  // Indexed loops: cold code allocates at every step of a for…of.
  const widths: number[] = [];
  for (let j = 0; j < cells - 1; j++) {
    let max = options.minWidth;
    for (let i = 0; i < rows.length; i++) {
      const width = (displayWidthOf ? displayWidthOf(rows[i][j]) : rows[i][j].length) + options.padding;
      if (width > max) max = width;
    }
    widths.push(max);
  }
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let j = 0; j < cells - 1; j++) {
      out += row[j] + spaces(widths[j] - (displayWidthOf ? displayWidthOf(row[j]) : row[j].length));
    }
    out += `${row[cells - 1]}\n`;
  }
  return out;
}

function blocks(text: string, options: TabwriterOptions): string {
  let out = '';
  let lines: Cell[][] = [[]];
  const flush = (): void => {
    out += layout(lines, options);
    lines = [[]];
  };
  // Jumps from terminator to terminator: a thousand-row table is a few thousand slices, not a loop per character.
  const terminators = /[\t\v\n\f]/g;
  let start = 0;
  for (let match = terminators.exec(text); match; match = terminators.exec(text)) {
    const cell = text.slice(start, match.index);
    start = match.index + 1;
    const line = lines[lines.length - 1];
    line.push({ text: cell, width: displayWidth(cell) });
    const char = match[0];
    if (char === '\t' || char === '\v') continue;
    lines.push([]);
    if (char === '\f' || line.length === 1) flush();
  }
  const rest = text.slice(start);
  if (rest) lines[lines.length - 1].push({ text: rest, width: displayWidth(rest) });
  flush();
  return out;
}

function layout(lines: Cell[][], options: TabwriterOptions): string {
  let out = '';
  const widths: number[] = [];
  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i];
      for (let j = 0; j < cells.length; j++) out += j < widths.length ? cells[j].text + spaces(widths[j] - cells[j].width) : cells[j].text;
      // The last line has no newline of its own: text after it was never terminated.
      if (i + 1 < lines.length) out += '\n';
    }
  };
  const format = (from: number, to: number): void => {
    const column = widths.length;
    let start = from;
    for (let row = from; row < to; row++) {
      if (column >= lines[row].length - 1) continue;
      // A block of lines that all have a cell in this column starts here.
      writeLines(start, row);
      start = row;
      let width = options.minWidth;
      for (; row < to && column < lines[row].length - 1; row++) width = Math.max(width, lines[row][column].width + options.padding);
      widths.push(width);
      format(start, row);
      widths.pop();
      start = row;
    }
    writeLines(start, to);
  };
  format(0, lines.length);
  return out;
}

const SPACES = ' '.repeat(256);

/** Padding sliced from one string: a thousand-row table pads five thousand cells. */
function spaces(count: number): string {
  return count <= SPACES.length ? SPACES.slice(0, count) : ' '.repeat(count);
}
