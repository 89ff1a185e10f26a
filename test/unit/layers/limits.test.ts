// Unit tests of the layer limits: defaults, environment overrides, options, and the messages that name them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError, LimitExceededError } from '../../../src/errors.ts';
import { DEFAULT_LAYER_LIMITS, formatBytes, layerLimits, limitExceeded } from '../../../src/layers/limits.ts';

describe('layerLimits', () => {
  it('uses the defaults when nothing is set', () => {
    assert.deepEqual(layerLimits({}, {}), DEFAULT_LAYER_LIMITS);
    assert.deepEqual(DEFAULT_LAYER_LIMITS, { maxUncompressedBytes: 64 * 1024 ** 3, maxEntries: 1_000_000, maxExpansionRatio: 200 });
  });

  it('reads the environment, with binary units for bytes', () => {
    const env = { WHARF_MAX_LAYER_BYTES: '2g', WHARF_MAX_LAYER_ENTRIES: '500', WHARF_MAX_LAYER_RATIO: '2500' };
    assert.deepEqual(layerLimits({}, env), { maxUncompressedBytes: 2 * 1024 ** 3, maxEntries: 500, maxExpansionRatio: 2500 });
    assert.equal(layerLimits({}, { WHARF_MAX_LAYER_BYTES: '512MiB' }).maxUncompressedBytes, 512 * 1024 ** 2);
    assert.equal(layerLimits({}, { WHARF_MAX_LAYER_BYTES: '1000' }).maxUncompressedBytes, 1000);
  });

  it('lets options win over the environment', () => {
    assert.equal(layerLimits({ maxEntries: 7 }, { WHARF_MAX_LAYER_ENTRIES: '500' }).maxEntries, 7);
    assert.equal(layerLimits({ maxEntries: undefined }, { WHARF_MAX_LAYER_ENTRIES: '500' }).maxEntries, 500);
  });

  it('refuses a malformed value, naming the variable', () => {
    for (const [name, value] of [['WHARF_MAX_LAYER_BYTES', 'lots'], ['WHARF_MAX_LAYER_ENTRIES', '10k'], ['WHARF_MAX_LAYER_RATIO', '0']]) {
      assert.throws(() => layerLimits({}, { [name]: value }), (error: Error) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.match(error.message, new RegExp(`^invalid ${name} "${value}"`));
        return true;
      });
    }
  });
});

describe('limitExceeded', () => {
  it('says how to raise the limit', () => {
    const error = limitExceeded('maxEntries', 'layer has more than 5 entries');
    assert.ok(error instanceof LimitExceededError);
    assert.equal(error.message, 'layer has more than 5 entries: raise WHARF_MAX_LAYER_ENTRIES (option maxEntries) if this layer is trusted');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(64 * 1024 ** 3), '64 GiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
  });
});
