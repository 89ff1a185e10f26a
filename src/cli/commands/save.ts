// `wharf save [-o FILE] IMAGE...`: to a file (written whole, then renamed into place) or to stdout, never a terminal.
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { WharfError } from '../../errors.ts';
import { saveImages } from '../../images/save.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], commandPath: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { output: { type: 'string', short: 'o' } }, commandPath);
  requireArgs(positionals, { min: 1 }, commandPath, `${commandPath} [OPTIONS] IMAGE [IMAGE...]`);
  const store = await context.store();
  const file = values.output as string | undefined;
  if (!file) {
    if (context.stdout.isTTY) throw new WharfError('cowardly refusing to save to a terminal. Use the -o flag or redirect', { fromDaemon: false });
    await saveImages(store, positionals, context.stdout);
    return 0;
  }
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  // A deep buffer keeps reading blobs while earlier bytes are still being written.
  const output = createWriteStream(temp, { highWaterMark: 4 << 20 });
  try {
    await saveImages(store, positionals, output);
    const handle = await open(temp, 'r');
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } finally {
    // The stream creates its file asynchronously: a save that fails early (no such image) must wait for
    // it to be closed, or the file can appear after the rm below and be left behind.
    if (!output.closed) await new Promise((resolve) => output.destroy().once('close', resolve));
    await rm(temp, { force: true });
  }
  return 0;
}
