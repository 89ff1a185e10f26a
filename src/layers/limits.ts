// Bounds on untrusted layers and archives, with defaults in one place; each can be raised by an environment variable.

export interface LayerLimits {
  /** Entries in one layer tar (WHARF_MAX_LAYER_ENTRIES). */
  maxEntries: number;
  /** Decompressed bytes per compressed byte, once past `ratioFloorBytes` (WHARF_MAX_EXPANSION_RATIO). */
  maxExpansionRatio: number;
  /** Output below this size is never refused for its ratio, so small, very compressible files pass. */
  ratioFloorBytes: number;
}

export const DEFAULT_LIMITS: LayerLimits = {
  maxEntries: 1_000_000,
  maxExpansionRatio: 200,
  ratioFloorBytes: 64 * 1024 * 1024,
};

export function layerLimits(env: NodeJS.ProcessEnv = process.env): LayerLimits {
  return {
    ...DEFAULT_LIMITS,
    maxEntries: positive(env.WHARF_MAX_LAYER_ENTRIES) ?? DEFAULT_LIMITS.maxEntries,
    maxExpansionRatio: positive(env.WHARF_MAX_EXPANSION_RATIO) ?? DEFAULT_LIMITS.maxExpansionRatio,
  };
}

function positive(value: string | undefined): number | undefined {
  const number = Number(value);
  return value && Number.isFinite(number) && number > 0 ? number : undefined;
}
