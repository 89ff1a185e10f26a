// The bounds a layer must stay within (bytes, entries, expansion ratio): defaults, env overrides, and the error naming each.
import { InvalidArgumentError, LimitExceededError } from '../errors.ts';

export interface LayerLimits {
  /** Bytes of uncompressed tar one layer may hold. */
  maxUncompressedBytes: number;
  /** Tar entries one layer may hold; the scanner keeps one small record per path, so this also bounds its memory. */
  maxEntries: number;
  /** Uncompressed bytes allowed per compressed byte once past the grace size (see bounded.ts). */
  maxExpansionRatio: number;
}

const GiB = 1024 ** 3;

/**
 * Docker itself sets no bounds; these sit far above real layers and far below what would fill a disk or the heap.
 * - 64 GiB: the largest public layers (CUDA, ML models) are tens of GB uncompressed.
 * - 1,000,000 entries: node_modules- or toolchain-heavy layers reach a few hundred thousand; each costs ~150 bytes here.
 * - 200: real layers run 2–10:1 and text-heavy ones rarely pass 50:1, while a gzip bomb sits near gzip's ceiling of
 *   1032:1 (zeros) and zstd, xz and bzip2 bombs reach 100,000:1 and more. A layer made mostly of zeros (a huge sparse
 *   lastlog) can trip it: raise WHARF_MAX_LAYER_RATIO for it.
 */
export const DEFAULT_LAYER_LIMITS: Readonly<LayerLimits> = {
  maxUncompressedBytes: 64 * GiB,
  maxEntries: 1_000_000,
  maxExpansionRatio: 200,
};

/** The environment variable that overrides each limit. */
export const LIMIT_ENV: Readonly<Record<keyof LayerLimits, string>> = {
  maxUncompressedBytes: 'WHARF_MAX_LAYER_BYTES',
  maxEntries: 'WHARF_MAX_LAYER_ENTRIES',
  maxExpansionRatio: 'WHARF_MAX_LAYER_RATIO',
};

/** Explicit options win over the environment, which wins over the defaults. */
export function layerLimits(overrides: Partial<LayerLimits> = {}, env: NodeJS.ProcessEnv = process.env): LayerLimits {
  const limits = { ...DEFAULT_LAYER_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof LayerLimits)[]) {
    const raw = env[LIMIT_ENV[key]];
    if (raw !== undefined && raw !== '') limits[key] = parseLimit(key, raw);
    if (overrides[key] !== undefined) limits[key] = overrides[key];
  }
  return limits;
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: GiB, t: 1024 ** 4 };

/** Bytes take a binary unit (`64g`, `512MiB`); entries and the ratio are plain numbers. */
function parseLimit(key: keyof LayerLimits, raw: string): number {
  const unitPattern = key === 'maxUncompressedBytes' ? /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?)?$/i : /^(\d+(?:\.\d+)?)()$/;
  const match = unitPattern.exec(raw.trim());
  const value = match ? Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()] : NaN;
  if (!(value > 0) || !Number.isFinite(value)) {
    const example = key === 'maxUncompressedBytes' ? ' such as 64g' : '';
    throw new InvalidArgumentError(`invalid ${LIMIT_ENV[key]} "${raw}": expected a positive number${example}`);
  }
  return key === 'maxExpansionRatio' ? value : Math.floor(value);
}

/** One line saying what was crossed and which knob raises it. */
export function limitExceeded(key: keyof LayerLimits, what: string): LimitExceededError {
  return new LimitExceededError(`${what}: raise ${LIMIT_ENV[key]} (option ${key}) if this layer is trusted`);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
