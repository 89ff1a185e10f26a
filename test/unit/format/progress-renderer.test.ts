// Pull/push progress as the Docker CLI renders it: bars, plain lines when piped, cursor moves on a terminal, JSON lines.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { progressMode, progressRenderer, progressText } from '../../../src/cli/format/progress-renderer.ts';

function capture(mode: Parameters<typeof progressRenderer>[1]) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { renderer: progressRenderer(out, mode), text: () => text };
}

describe('progressText', () => {
  it("draws Docker's 50-cell bar and go-units sizes", () => {
    assert.equal(progressText({ status: 'Downloading', progressDetail: { current: 0, total: 0 } }), '');
    assert.equal(progressText({ status: 'Downloading', progressDetail: { current: 1_000_000, total: 2_000_000 } }), `[${'='.repeat(25)}>${' '.repeat(25)}]      1MB/2MB`);
    assert.equal(progressText({ status: 'Downloading', progressDetail: { current: 2_000_000, total: 2_000_000 } }), `[${'='.repeat(50)}>]      2MB/2MB`);
    assert.equal(progressText({ status: 'Downloading', progressDetail: { current: 3_000_000, total: 2_000_000 } }), `[${'='.repeat(50)}>] `);
    assert.equal(progressText({ status: 'Extracting', progressDetail: { current: 1234 } }), '  1.23kB');
  });
});

describe('progressRenderer', () => {
  const messages = [
    { status: 'Pulling from team/app', id: 'v1' },
    { status: 'Pulling fs layer', id: 'aaa', progressDetail: {} },
    { status: 'Pulling fs layer', id: 'bbb', progressDetail: {} },
    { status: 'Downloading', id: 'aaa', progressDetail: { current: 500, total: 1000 } },
    { status: 'Pull complete', id: 'aaa', progressDetail: {} },
    { status: 'Digest: sha256:1234' },
  ];

  it('prints status lines and leaves byte counts out when piped', () => {
    const { renderer, text } = capture('plain');
    messages.forEach((message) => renderer.write(message));
    assert.equal(text(), 'v1: Pulling from team/app\naaa: Pulling fs layer\nbbb: Pulling fs layer\naaa: Pull complete\nDigest: sha256:1234\n');
  });

  it('redraws each layer on its own line on a terminal', () => {
    const { renderer, text } = capture('tty');
    messages.forEach((message) => renderer.write(message));
    const expected = [
      'v1: Pulling from team/app\n',
      '\n\x1b[1A\x1b[2K\raaa: Pulling fs layer\r\x1b[1B',
      '\n\x1b[1A\x1b[2K\rbbb: Pulling fs layer\r\x1b[1B',
      `\x1b[2A\x1b[2K\raaa: Downloading ${progressText(messages[3])}\r\x1b[2B`,
      '\x1b[2A\x1b[2K\raaa: Pull complete\r\x1b[2B',
      'Digest: sha256:1234\n',
    ].join('');
    assert.equal(text(), expected);
  });

  it('writes each message as one JSON line, and nothing when quiet', () => {
    const json = capture('json');
    messages.forEach((message) => json.renderer.write(message));
    assert.deepEqual(json.text().trim().split('\n').map((line) => JSON.parse(line)), messages);
    const quiet = capture('quiet');
    messages.forEach((message) => quiet.renderer.write(message));
    assert.equal(quiet.text(), '');
  });

  it('picks the mode from --progress, -q and the terminal', () => {
    assert.equal(progressMode(undefined, { quiet: false, tty: true }), 'tty');
    assert.equal(progressMode('auto', { quiet: false, tty: false }), 'plain');
    assert.equal(progressMode('json', { quiet: false, tty: true }), 'json');
    assert.equal(progressMode('json', { quiet: true, tty: true }), 'quiet');
    assert.throws(() => progressMode('fancy', { quiet: false, tty: true }), /invalid argument "fancy" for "--progress" flag/);
  });
});
