// Where `save` and `export` write their tar: stdout (never a terminal), or -o FILE written whole to a temp file, fsynced, then renamed into place.
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { WharfError } from '../../errors.ts';
import { WritebackFile } from '../../streams/writeback-file.ts';
import type { CliContext } from '../context.ts';

export async function writeTarOutput(context: CliContext, file: string | undefined, produce: (output: Writable) => Promise<void>): Promise<void> {
  if (!file) {
    if (context.stdout.isTTY) throw new WharfError('cowardly refusing to save to a terminal. Use the -o flag or redirect', { fromDaemon: false });
    return produce(context.stdout);
  }
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  // a deep buffer keeps reading blobs while earlier bytes are still being written
  const output = new WritebackFile(temp, { flags: 'w', highWaterMark: 4 << 20 });
  try {
    await produce(output);
    const handle = await open(temp, 'r');
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } finally {
    // the stream creates its file asynchronously: a run that fails early must wait for it to be closed, or the file can
    // appear after the rm below and be left behind
    if (!output.closed) await new Promise((resolve) => output.destroy().once('close', resolve));
    await rm(temp, { force: true });
  }
}
