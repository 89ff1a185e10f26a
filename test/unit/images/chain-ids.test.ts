// Chain IDs against values real Docker printed (`docker rmi` lists the chain IDs of the layers it releases).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Digest } from '../../../src/digest/digest.ts';
import { chainIds } from '../../../src/images/chain-ids.ts';

const BASE = 'sha256:f7bd571fb51b15777c527d0979312f5ed01e3fb57c992ae4534993d3b0534fd8';
const APP_A = 'sha256:6eedded35d82547f6c18182f724d439f617f28cbbf0499bf3945684476babeca';
const APP_B = 'sha256:6a8ce8b5bc0fce531ec2094dbbfd46e674ad36b672ed0d38113484be16eae6fc';

describe('chainIds', () => {
  it('is empty for no layers', () => assert.deepEqual(chainIds([]), []));

  it('is the diff ID itself for the bottom layer', () => assert.deepEqual(chainIds([BASE]), [BASE]));

  it('matches the chain IDs Docker 20.10 deleted for two images sharing a base', () => {
    assert.deepEqual(chainIds([BASE, APP_A]), [BASE, 'sha256:2f203f83bb3c27c1035cb40806452967f1eba41b33bf9ba783701934651744ec']);
    assert.deepEqual(chainIds([BASE, APP_B]), [BASE, 'sha256:7c9daba960f1825c48d7ee8d01a43bffb116095a37c4762d1f547af680a35f05']);
  });

  it('hashes "<parent chain> <diff ID>" for every layer above the bottom', () => {
    const layers = [BASE, APP_A, APP_B] as Digest[];
    const chains = chainIds(layers);
    const expected2 = `sha256:${createHash('sha256').update(`${chains[1]} ${APP_B}`).digest('hex')}`;
    assert.equal(chains.length, 3);
    assert.equal(chains[2], expected2);
  });

  it('depends on the order of the layers', () => {
    assert.notEqual(chainIds([BASE, APP_A])[1], chainIds([APP_A, BASE])[1]);
  });

  it('does not change its input', () => {
    const input = [BASE, APP_A] as Digest[];
    chainIds(input);
    assert.deepEqual(input, [BASE, APP_A]);
  });
});
