// Writes a small file durably: temp file beside it, fsync, rename, so a crash leaves the old file or the new one.
import { open, rename, rm } from 'node:fs/promises';
import { crypto } from '../../digest/digest.ts';

export async function writeFileDurably(file: string, content: string, options: { mode?: number } = {}): Promise<void> {
  const temp = `${file}.${crypto().randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'w', options.mode ?? 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, file);
}
