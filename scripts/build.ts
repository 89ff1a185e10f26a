// Bundles the CLI into dist/: a small dispatcher (main.cjs), one self-contained bundle per command, and the monitor's exit helper.
// CommonJS, one file per command: Node's ESM loader spends ~0.4 ms a file resolving, linking and evaluating module
// jobs, and even one ESM file costs what the CJS loader's require of a bundle twice its size does not (a listing of a
// thousand images: 45 → 42 ms, of which `node -e 0` is 25). A command's lazily imported parts come inline, evaluated
// only when first imported, as esbuild's CJS output does.
import esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { COMMAND_MODULES } from '../src/cli/command-table.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist');
const ENTRY_NAMESPACE = 'command-entry';

const shared: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  packages: 'external',
  outdir: OUT,
  write: false,
  logLevel: 'warning',
};

/** CommonJS has no import.meta: the sources' uses of its URL read the bundle's own. */
const commonJs: esbuild.BuildOptions = {
  ...shared,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: 'const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
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
  { ...commonJs, entryPoints: [{ in: 'src/cli/main.ts', out: 'main' }] },
  // an ES module: it awaits at its top level, and is no command's start-up
  { ...shared, format: 'esm', splitting: true, chunkNames: 'chunk-[hash]', entryPoints: [{ in: 'src/runtime/monitor/monitor-exit.ts', out: 'monitor-exit' }] },
  ...[...new Set(Object.values(COMMAND_MODULES))].map((module) => ({ ...commonJs, entryPoints: [{ in: `command:${module}`, out: `cmd-${module}` }], plugins: [commandEntries] })),
];

const results = await Promise.all(builds.map((options) => esbuild.build({ ...options, absWorkingDir: ROOT })));
for (const file of results.flatMap((result) => result.outputFiles ?? [])) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.contents);
}
const main = readFileSync(join(OUT, 'main.cjs'), 'utf8');
// ~6 KB today: the command table and usage; a command's code pulled in by mistake would be tens of KB more
if (main.length > 32 << 10) throw new Error(`dist/main.cjs is ${main.length} bytes: the dispatcher must load no command's code`);
