// Writes a small file whole or not at all: a temp file beside it renamed over it, so a crash leaves the old file or the new one.
// No fsync: what these files describe (a namespace, veths, rules, a container's /etc files) is kernel state that a power loss takes with it.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeFileAtomically(file: string, content: string, options: { mode?: number } = {}): void {
  // the process's own temp name: writes are synchronous, so one process never has two under way
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, content, { mode: options.mode ?? 0o644 });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
