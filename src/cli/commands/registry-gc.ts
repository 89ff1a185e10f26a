// `wharf registry gc --root DIR [--dry-run] [--delete-untagged] [--grace DURATION]`: sweeps what no tag reaches.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors.ts';
import { loadServeConfig } from '../../registry/server/config.ts';
import { FilesystemDriver } from '../../registry/server/filesystem-driver.ts';
import { DEFAULT_GRACE_MS, garbageCollect, MIN_GRACE_MS } from '../../registry/server/garbage-collect.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

const FLAGS = {
  root: { type: 'string' },
  config: { type: 'string' },
  'dry-run': { type: 'boolean', short: 'd' },
  'delete-untagged': { type: 'boolean', short: 'm' },
  grace: { type: 'string' },
} as const;

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const config = await loadServeConfig(values.config as string | undefined, { root: values.root as string | undefined }, join(context.dataRoot, 'registry'));
  const graceMs = values.grace === undefined ? DEFAULT_GRACE_MS : parseDuration(values.grace as string);
  if (graceMs < MIN_GRACE_MS) throw new InvalidArgumentError(`--grace must be at least ${MIN_GRACE_MS / 1000}s: pushes in flight rely on it`, { fromDaemon: false });
  // a mistyped root must not read as an empty, clean registry
  statSync(config.root);
  await garbageCollect(new FilesystemDriver(config.root), {
    dryRun: Boolean(values['dry-run']),
    deleteUntagged: Boolean(values['delete-untagged']),
    graceMs,
    log: (line) => context.out(`${line}\n`),
  });
  return 0;
}

/** Go's time.ParseDuration for the units a grace period needs: `90s`, `10m`, `1h30m`. */
function parseDuration(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((part) => part[0]).join('') !== text) {
    throw new InvalidArgumentError(`invalid argument "${text}" for "--grace" flag: time: invalid duration "${text}"`, { fromDaemon: false, exitCode: 125 });
  }
  return parts.reduce((total, [, value, unit]) => total + Number(value) * units[unit], 0);
}
