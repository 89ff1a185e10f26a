// Bundles the CLI into dist/: a small dispatcher (main.js), one bundle per command, and the monitor's exit helper.
// Each bundle is its own esbuild build: a command loads its own few files, not the dozens of chunks one shared
// build would split its code into (each file costs Node's ESM loader ~0.4 ms of a ~100 ms start).
import esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { COMMAND_MODULES } from '../src/cli/command-table.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist');
const ENTRY_NAMESPACE = 'command-entry';

const shared: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  packages: 'external',
  outdir: OUT,
  chunkNames: 'chunk-[hash]',
  splitting: true,
  write: false,
  logLevel: 'warning',
};

/** A command's bundle entry: its module and the runner, so that both share one copy of every module. */
const commandEntries: esbuild.Plugin = {
  name: 'command-entries',
  setup(build) {
    build.onResolve({ filter: /^command:/ }, (args) => ({ path: args.path.slice('command:'.length), namespace: ENTRY_NAMESPACE }));
    build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, (args) => ({
      contents: `export * as command from './commands/${args.path}.ts';\nexport { runCli } from './run-cli.ts';\n`,
      resolveDir: join(ROOT, 'src/cli'),
      loader: 'ts',
    }));
  },
};

const builds: esbuild.BuildOptions[] = [
  { ...shared, entryPoints: [{ in: 'src/cli/main.ts', out: 'main' }], splitting: false },
  { ...shared, entryPoints: [{ in: 'src/runtime/monitor/monitor-exit.ts', out: 'monitor-exit' }] },
  ...[...new Set(Object.values(COMMAND_MODULES))].map((module) => ({ ...shared, entryPoints: [{ in: `command:${module}`, out: `cmd-${module}` }], plugins: [commandEntries] })),
];

const results = await Promise.all(builds.map((options) => esbuild.build({ ...options, absWorkingDir: ROOT })));
const written = new Map<string, string>();
for (const file of results.flatMap((result) => result.outputFiles ?? [])) {
  // chunks are named by content hash: the same name from two builds is the same file, written once
  const previous = written.get(file.path);
  if (previous !== undefined && previous !== file.hash) throw new Error(`two builds made different ${relative(ROOT, file.path)}`);
  if (previous !== undefined) continue;
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.contents);
  written.set(file.path, file.hash);
}
const main = readFileSync(join(OUT, 'main.js'), 'utf8');
if (/\bfrom\s*["']\.\/chunk-/.test(main)) throw new Error('dist/main.js imports shared chunks: the dispatcher must stay alone');
