// The metadata database's schema upgrades: a store made before image_layers.chain_id gets the column, filled from the
// diff IDs; one made before the event log and the columns added since gets them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MetadataDb } from '../../../src/store/metadata-db.ts';

const BASE = 'sha256:f7bd571fb51b15777c527d0979312f5ed01e3fb57c992ae4534993d3b0534fd8';
const APP = 'sha256:6eedded35d82547f6c18182f724d439f617f28cbbf0499bf3945684476babeca';
// what Docker 20.10 printed for BASE then APP (see chain-ids.test.ts)
const APP_CHAIN = 'sha256:2f203f83bb3c27c1035cb40806452967f1eba41b33bf9ba783701934651744ec';

describe('MetadataDb schema 4', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-metadata-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fills chain_id for every image of a store made before the column', () => {
    const file = join(dir, 'metadata.db');
    const fresh = new MetadataDb(file);
    fresh.transaction(() => {
      for (const diffId of [BASE, APP]) fresh.run('INSERT INTO layers (diff_id, size, tar_size) VALUES (?, 1, 1)', diffId);
      for (const id of ['sha256:aa', 'sha256:bb']) fresh.run("INSERT INTO images (id, size, loaded_at) VALUES (?, 2, 'now')", id);
      fresh.run("INSERT INTO image_layers (image_id, position, diff_id, chain_id) VALUES ('sha256:aa', 0, ?, ''), ('sha256:aa', 1, ?, '')", BASE, APP);
      fresh.run("INSERT INTO image_layers (image_id, position, diff_id, chain_id) VALUES ('sha256:bb', 0, ?, '')", APP);
    });
    // as a store of schema 3 was
    fresh.db.exec('ALTER TABLE image_layers DROP COLUMN chain_id; PRAGMA user_version = 3');
    fresh.db.close();

    const upgraded = new MetadataDb(file);
    const chains = upgraded.all('SELECT image_id AS image, chain_id AS chain FROM image_layers ORDER BY image_id, position');
    upgraded.db.close();
    assert.deepEqual(chains.map((row) => ({ ...row })), [
      { image: 'sha256:aa', chain: BASE },
      { image: 'sha256:aa', chain: APP_CHAIN },
      { image: 'sha256:bb', chain: APP },
    ]);
  });
});

describe('MetadataDb schema 9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-metadata-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a store of schema 4 the event log, containers.paused and .health and networks.labels, with their defaults', () => {
    const file = join(dir, 'metadata.db');
    const fresh = new MetadataDb(file);
    fresh.run("INSERT INTO containers (id, name, image_id, image_name, created, settings, state) VALUES ('c1', 'web', 'sha256:aa', 'busybox', 'now', '{}', 'running')");
    fresh.run("INSERT INTO networks (name, id, driver, created) VALUES ('appnet', 'n1', 'bridge', 'now')");
    fresh.db.exec('ALTER TABLE containers DROP COLUMN paused; ALTER TABLE containers DROP COLUMN health; ALTER TABLE networks DROP COLUMN labels; DROP TABLE events; PRAGMA user_version = 4');
    fresh.db.close();

    const upgraded = new MetadataDb(file);
    const container = upgraded.get('SELECT paused, health FROM containers WHERE id = ?', 'c1');
    const events = upgraded.get('SELECT COUNT(*) AS n FROM events');
    const network = upgraded.get('SELECT labels FROM networks WHERE name = ?', 'appnet');
    upgraded.db.close();
    assert.deepEqual([{ ...container }, { ...events }, { ...network }], [{ paused: 0, health: null }, { n: 0 }, { labels: null }]);
  });
});
