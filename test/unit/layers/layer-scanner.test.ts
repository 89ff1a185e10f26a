// Unit tests of the layer scanner: hostile and benign tars, Docker's size rule, truncation, limits, teeing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { InvalidContentError, LimitExceededError } from '../../../src/errors.ts';
import { LayerScanner, scanLayer } from '../../../src/layers/layer-scanner.ts';
import { chunked, type Entry, rawHeader, tarOf } from './tar-fixtures.ts';

async function scan(entries: Entry[], options = {}) {
  return scanLayer(chunked(await tarOf(entries)), options);
}

async function refused(entries: Entry[], message: string): Promise<void> {
  await assert.rejects(scan(entries), (error: Error) => {
    assert.ok(error instanceof InvalidContentError, `${error.name}: ${error.message}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe('scanLayer refuses hostile layers', () => {
  it('a name that climbs out', () => refused([{ name: '../x', body: 'x' }], 'invalid layer: entry "../x" escapes the root'));

  it('a name that climbs out after going down', () => refused([{ name: 'a/../../x' }], 'invalid layer: entry "a/../../x" escapes the root'));

  it('a hardlink to a file outside', () =>
    refused([{ name: 'stolen', type: 'link', linkname: '../../etc/passwd' }], 'invalid layer: entry "stolen" links to "../../etc/passwd", outside the root'));

  it('a write through an absolute symlink made earlier', () =>
    refused(
      [{ name: 'evil', type: 'symlink', linkname: '/etc' }, { name: 'evil/passwd', body: 'root::0:0::/:/bin/sh\n' }],
      'invalid layer: entry "evil/passwd" goes through the symlink "evil"',
    ));

  it('a symlink that climbs out, before anything is written through it', () =>
    refused([{ name: 'evil', type: 'symlink', linkname: '../../' }, { name: 'evil/x' }], 'invalid layer: entry "evil" is a symlink to "../../", outside the root'));

  it('a write through a relative symlink, even one that stays inside', () =>
    refused([{ name: 'a/up', type: 'symlink', linkname: '..' }, { name: 'a/up/x' }], 'invalid layer: entry "a/up/x" goes through the symlink "a/up"'));

  it('a whiteout or opaque marker through a symlink', async () => {
    const evil: Entry = { name: 'evil', type: 'symlink', linkname: '/etc' };
    await refused([evil, { name: 'evil/.wh.passwd' }], 'invalid layer: entry "evil/.wh.passwd" goes through the symlink "evil"');
    await refused([evil, { name: 'evil/.wh..wh..opq' }], 'invalid layer: entry "evil/.wh..wh..opq" goes through the symlink "evil"');
  });

  it('a hardlink whose target goes through a symlink', () =>
    refused(
      [{ name: 'evil', type: 'symlink', linkname: '/etc' }, { name: 'x', type: 'link', linkname: 'evil/shadow' }],
      'invalid layer: entry "x" goes through the symlink "evil"',
    ));

  it('an entry under a file', () =>
    refused([{ name: 'f', body: 'x' }, { name: 'f/x' }], 'invalid layer: entry "f/x" goes through "f", which is not a directory'));

  it('a whiteout of a parent', () => refused([{ name: 'a/.wh..' }], 'invalid layer: entry "a/.wh.." is a whiteout that names no file'));

  it('an entry type Docker cannot unpack', async () => {
    const volume = Buffer.concat([rawHeader('label', 0, 'V'), Buffer.alloc(1024)]);
    await assert.rejects(scanLayer(chunked(volume)), { message: 'invalid layer: entry "label" has a type Docker cannot unpack (unknown)' });
  });

  it('a symlink in place of the root', () => refused([{ name: './', type: 'symlink', linkname: '/' }], 'invalid layer: entry "./" would replace the root'));

  it('names the layer when told which', async () => {
    await assert.rejects(scan([{ name: '../x' }], { what: 'blobs/sha256/abc' }), {
      name: 'InvalidContentError',
      message: 'blobs/sha256/abc: invalid layer: entry "../x" escapes the root',
    });
  });
});

describe('scanLayer accepts benign layers', () => {
  it('a rooted name with `..` is cleaned, as Docker cleans it', async () => {
    assert.deepEqual(await scan([{ name: '/abs/../../x', body: 'abc' }]), { size: 3, entries: 1 });
  });

  it('an absolute symlink target on its own', async () => {
    assert.deepEqual(await scan([{ name: 'etc', type: 'directory' }, { name: 'etc/mtab', type: 'symlink', linkname: '/proc/mounts' }]), {
      size: '/proc/mounts'.length,
      entries: 2,
    });
  });

  it('whiteouts and opaque markers, which take no space', async () => {
    const entries: Entry[] = [{ name: 'a/.wh..wh..opq' }, { name: 'a/.wh.gone' }, { name: '.wh.old', body: '' }, { name: 'a/kept', body: '12345' }];
    assert.deepEqual(await scan(entries), { size: 5, entries: 4 });
  });

  it('`./` prefixes and a root entry', async () => {
    assert.deepEqual(await scan([{ name: './', type: 'directory' }, { name: './bin/', type: 'directory' }, { name: './bin/sh', body: 'sh' }]), {
      size: 2,
      entries: 3,
    });
  });

  it('a path listed twice counts only its last version', async () => {
    assert.deepEqual(await scan([{ name: 'f', body: 'a long first version' }, { name: 'f', body: 'v2' }]), { size: 2, entries: 2 });
  });

  it('a symlink replaced by a directory can then be written into', async () => {
    const entries: Entry[] = [{ name: 'x', type: 'symlink', linkname: '/etc' }, { name: 'x', type: 'directory' }, { name: 'x/y', body: 'y' }];
    assert.deepEqual(await scan(entries), { size: 1, entries: 3 });
  });

  it('an empty layer (only the end-of-archive marker)', async () => {
    assert.deepEqual(await scan([]), { size: 0, entries: 0 });
  });
});

/** Entries exercising every part of the rule; [expected size, why]. */
const SAMPLE: Entry[] = [
  { name: './', type: 'directory' },
  { name: 'bin/', type: 'directory' },
  { name: 'bin/busybox', body: 'B'.repeat(1000) },
  { name: 'bin/sh', type: 'link', linkname: 'bin/busybox' },
  { name: 'bin/ls', type: 'symlink', linkname: 'busybox' },
  { name: 'etc/empty' },
  { name: 'etc/motd', body: 'first version, longer than the second\n' },
  { name: 'etc/motd', body: 'hello\n' },
  { name: 'etc/old', body: 'O'.repeat(300) },
  { name: 'etc/keep', type: 'link', linkname: 'etc/old' },
  { name: 'etc/old', body: 'N'.repeat(20) },
  { name: 'var/.wh.cache' },
  { name: 'opt/.wh..wh..opq' },
  { name: 'tmp/pipe', type: 'fifo' },
];
// busybox+sh once: 1000; ls → "busybox": 7; empty: 0; motd's last version: 6; etc/keep still holds the first etc/old: 300;
// the new etc/old: 20; whiteouts, the opaque marker, the fifo and directories: 0.
const SAMPLE_SIZE = 1000 + 7 + 6 + 300 + 20;

/** moby's pkg/directory calcSize: lstat every non-directory, skip size 0, count each inode once. */
async function calcSize(dir: string): Promise<number> {
  const seen = new Set<number>();
  let total = 0;
  for (const name of await readdir(dir, { recursive: true })) {
    const info = await lstat(join(dir, name));
    if (info.isDirectory() || info.size === 0 || seen.has(info.ino)) continue;
    seen.add(info.ino);
    total += info.size;
  }
  return total;
}

describe('layer size', () => {
  it('follows Docker’s rule on a sample layer', async () => {
    assert.deepEqual(await scan(SAMPLE), { size: SAMPLE_SIZE, entries: SAMPLE.length });
  });

  it('matches calcSize over the same tar unpacked by the system tar', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-layer-size-'));
    try {
      await writeFile(join(dir, 'layer.tar'), await tarOf(SAMPLE));
      const root = join(dir, 'root');
      execFileSync('mkdir', [root]);
      execFileSync('tar', ['-xf', join(dir, 'layer.tar'), '-C', root]);
      assert.equal(await calcSize(root), SAMPLE_SIZE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tars written by other tools', () => {
  it('GNU tar in gnu, posix and v7 formats: long names, record padding, old headers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-layer-gnu-'));
    try {
      const root = join(dir, 'root');
      const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
      execFileSync('mkdir', ['-p', join(root, 'd'.repeat(120))]);
      await writeFile(join(root, long), 'long\n');
      await writeFile(join(root, 'short'), 'x'.repeat(5000));
      execFileSync('ln', ['-s', '/etc/os-release', join(root, 'link')]);
      for (const format of ['gnu', 'posix', 'v7']) {
        const tar = execFileSync('tar', [`--format=${format}`, '-C', root, '-c', ...(format === 'v7' ? ['short', 'link'] : ['.'])]);
        const size = 5000 + '/etc/os-release'.length + (format === 'v7' ? 0 : 5);
        assert.equal((await scanLayer(chunked(tar, 4096))).size, size, format);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('truncated layers', () => {
  const truncated = (bytes: Buffer) =>
    assert.rejects(scanLayer(chunked(bytes)), (error: Error) => {
      assert.ok(error instanceof InvalidContentError, `${error.name}: ${error.message}`);
      assert.match(error.message, /^layer tar is truncated/);
      return true;
    });

  it('cut inside a body, a header, or the end marker', async () => {
    const tar = await tarOf([{ name: 'a', body: 'x'.repeat(2000) }, { name: 'b', body: 'y' }]);
    for (const cut of [700, 1500, 2600, tar.length - 700]) await truncated(tar.subarray(0, cut));
  });

  it('cut cleanly between entries, before the end marker', async () => {
    const tar = await tarOf([{ name: 'a', body: 'x'.repeat(2000) }, { name: 'b', body: 'y' }]);
    await truncated(tar.subarray(0, 512 + 2048));
    await truncated(tar.subarray(0, tar.length - 1024));
  });

  it('empty input', () => truncated(Buffer.alloc(0)));

  it('garbage that is not a tar', async () => {
    await assert.rejects(scanLayer(chunked(Buffer.alloc(2048, 7))), { name: 'InvalidContentError', message: /^invalid layer: not a valid tar/ });
  });
});

describe('limits', () => {
  it('refuses more entries than allowed, naming the knob', async () => {
    await assert.rejects(scan([{ name: 'a' }, { name: 'b' }, { name: 'c' }], { maxEntries: 2 }), (error: Error) => {
      assert.ok(error instanceof LimitExceededError);
      assert.equal(error.message, 'layer has more than 2 entries: raise WHARF_MAX_LAYER_ENTRIES (option maxEntries) if this layer is trusted');
      return true;
    });
  });

  it('refuses more bytes than allowed', async () => {
    await assert.rejects(scan([{ name: 'a', body: 'x'.repeat(10_000) }], { maxUncompressedBytes: 4096 }), {
      name: 'LimitExceededError',
      message: /^layer is larger than 4 KiB uncompressed: raise WHARF_MAX_LAYER_BYTES/,
    });
  });
});

describe('streaming', () => {
  it('shares one read with a hash and a file via a tee, and stops the tee when it refuses', async () => {
    const tar = await tarOf([{ name: 'a', body: 'abc' }]);
    const tap = new PassThrough();
    const scanned = scanLayer(tap, { what: 'tee' });
    const hash = createHash('sha256');
    await pipeline(Readable.from([tar]), async function* (source) {
      for await (const chunk of source) {
        hash.update(chunk);
        tap.write(chunk);
        yield chunk;
      }
      tap.end();
    }, new PassThrough().resume());
    assert.deepEqual(await scanned, { size: 3, entries: 1 });
    assert.equal(hash.digest('hex'), createHash('sha256').update(tar).digest('hex'));

    const hostile = new PassThrough();
    const refusal = scanLayer(hostile);
    hostile.write(await tarOf([{ name: '../x' }]));
    await assert.rejects(refusal, InvalidContentError);
    assert.ok(hostile.destroyed, 'the source is destroyed so the writer stops');
  });

  it('is a Writable usable as a pipeline stage', async () => {
    const scanner = new LayerScanner();
    await pipeline(chunked(await tarOf([{ name: 'a', body: 'hello' }]), 7), scanner);
    assert.deepEqual(await scanner.result(), { size: 5, entries: 1 });
  });

  it('drains huge bodies without holding them', async () => {
    const size = 256 * 1024 * 1024;
    let peak = 0;
    const body = function* () {
      yield rawHeader('big', size);
      const chunk = Buffer.alloc(1024 * 1024);
      for (let left = size; left > 0; left -= chunk.length) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        yield chunk;
      }
      yield Buffer.alloc(1024);
    };
    const before = process.memoryUsage().arrayBuffers;
    assert.deepEqual(await scanLayer(Readable.from(body(), { objectMode: false })), { size, entries: 1 });
    assert.ok(peak - before < 64 * 1024 * 1024, `array buffers grew by ${peak - before} bytes`);
  });
});
