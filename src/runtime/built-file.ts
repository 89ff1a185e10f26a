// Where wharf's build put a file it runs (the native monitor, the exec relay, the exit helper): beside the bundle, or in dist/ when wharf runs from its sources (the tests).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function builtFile(name: string): string {
  const bundled = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL(`../../dist/${name}`, import.meta.url));
}
