// The bytes of the files under a directory (symlinks by their own size), as Docker's SizeRw counts a container's writable layer; 0 when absent.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function directorySize(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) total += directorySize(path);
    else total += stat.size;
  }
  return total;
}
