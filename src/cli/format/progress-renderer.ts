// Renders pull/push progress messages as the Docker CLI does: redrawn per-layer lines on a terminal, plain status lines
// when piped (progress bars left out), or one JSON message per line.
import type { Writable } from 'node:stream';
import type { ProgressMessage } from '../../images/progress-message.ts';
import { UsageError } from '../usage-error.ts';
import { humanSize } from './units.ts';

export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

export interface ProgressRenderer {
  write(message: ProgressMessage): void;
}

/** `--progress` (auto: bars on a terminal, plain lines when piped) and `-q`. */
export function progressMode(value: string | undefined, options: { quiet: boolean; tty: boolean }): ProgressMode {
  if (options.quiet) return 'quiet';
  if (value === undefined || value === 'auto') return options.tty ? 'tty' : 'plain';
  if (value === 'plain' || value === 'tty' || value === 'json') return value;
  throw new UsageError(`invalid argument "${value}" for "--progress" flag: must be one of auto, plain, tty, json`);
}

export function progressRenderer(out: Writable, mode: ProgressMode): ProgressRenderer {
  if (mode === 'quiet') return { write: () => undefined };
  if (mode === 'json') return { write: (message) => void out.write(`${JSON.stringify(message)}\n`) };
  if (mode === 'plain') return { write: (message) => void out.write(plainLine(message)) };
  return terminalRenderer(out);
}

/** Docker skips messages that carry byte counts when not on a terminal; the rest are `id: status` lines. */
function plainLine(message: ProgressMessage): string {
  if (progressText(message) !== '') return '';
  return `${message.id ? `${message.id}: ` : ''}${message.status}\n`;
}

/**
 * Docker's DisplayJSONMessagesStream: each layer ID owns a line, found by moving the cursor up from the bottom;
 * a message without an ID (Digest, Status) starts a fresh block, so a later tag's layers get new lines.
 */
function terminalRenderer(out: Writable): ProgressRenderer {
  let lines = new Map<string, number>();
  return {
    write(message) {
      if (!message.id || !message.progressDetail) {
        lines = new Map();
        out.write(`${message.id ? `${message.id}: ` : ''}${message.status}\n`);
        return;
      }
      let line = lines.get(message.id);
      if (line === undefined) {
        line = lines.size;
        lines.set(message.id, line);
        out.write('\n');
      }
      const up = lines.size - line;
      const progress = progressText(message);
      out.write(`\x1b[${up}A\x1b[2K\r${message.id}: ${message.status}${progress ? ` ${progress}` : ''}\r\x1b[${up}B`);
    },
  };
}

const BAR_WIDTH = 50;

/** Docker's JSONProgress.String on a wide terminal: `[=====>      ]  1.2MB/3.4MB`; empty without counts. */
export function progressText(message: ProgressMessage): string {
  const current = message.progressDetail?.current ?? 0;
  const total = message.progressDetail?.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const filled = Math.min(BAR_WIDTH, Math.trunc(Math.trunc((current / total) * 100) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, BAR_WIDTH - filled))}] `;
  const numbers = current > total ? '' : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}
