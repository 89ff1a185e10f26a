// Times commands (median of runs) and reads their peak RSS through GNU time, for the benchmark table.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  seconds: number;
  peakRssMb: number;
}

export function measure(command: string[], options: { runs?: number; env?: NodeJS.ProcessEnv; before?: () => void } = {}): Measurement {
  const runs = options.runs ?? 1;
  const samples: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    options.before?.();
    samples.push(once(command, options.env));
  }
  return median(samples);
}

/**
 * Several short commands timed turn about, run by run, each the median of its runs: their ratios are then taken over
 * the same minutes, where timing one batch after the other let this VM's drift (±20% from minute to minute) into them.
 */
export function measureInterleaved(commands: Array<{ command: string[]; env?: NodeJS.ProcessEnv }>, runs: number): Measurement[] {
  const samples: Measurement[][] = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach(({ command, env }, j) => samples[j].push(once(command, env)));
  return samples.map(median);
}

function median(samples: Measurement[]): Measurement {
  return [...samples].sort((a, b) => a.seconds - b.seconds)[Math.floor(samples.length / 2)];
}

function once(command: string[], env: NodeJS.ProcessEnv | undefined): Measurement {
  const report = join(tmpdir(), `wharf-bench-${process.pid}.time`);
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', '-o', report, ...command], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed (${result.status}): ${result.stderr}`);
  const peakKb = Number(readFileSync(report, 'utf8').trim().split('\n').at(-1));
  rmSync(report, { force: true });
  return { seconds, peakRssMb: peakKb / 1024 };
}
