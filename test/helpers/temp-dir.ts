// Private temporary directories for tests, removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh directory; with a test context it is removed after the test, otherwise the caller removes it. */
export function tempDir(t?: Pick<TestContext, 'after'>, prefix = 'wharf-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t?.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `use` with a fresh directory and removes it afterwards, for fixtures that outlive no more than one step. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir(undefined, prefix);
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
