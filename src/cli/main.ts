// The wharf CLI's entry: finds the command and loads its bundle, which runs it; nothing else is loaded here.
import { findCommand, splitGlobalFlags, unknownCommandMessage, usage } from './command-table.ts';
import type { CommandModule, runCli } from './run-cli.ts';

/** What scripts/build.ts bundles for each command: the command module and the runner, one copy of everything they share. */
interface CommandBundle {
  command: CommandModule;
  runCli: typeof runCli;
}

async function main(argv: string[]): Promise<{ code: number; endsWhenDone: boolean }> {
  const { dataRoot, rest } = splitGlobalFlags(argv);
  if (rest.length === 0 || rest[0] === '--help') {
    process.stdout.write(usage());
    return { code: 0, endsWhenDone: false };
  }
  if (rest[0] === '--version' || rest[0] === '-v') rest.splice(0, 1, 'version');
  const found = findCommand(rest);
  if (!found) {
    process.stderr.write(unknownCommandMessage(rest));
    return { code: 1, endsWhenDone: false };
  }
  // a computed specifier, so that esbuild leaves the bundle to be loaded at run time
  const bundle = (await import(new URL(`./cmd-${found.module}.js`, import.meta.url).href)) as CommandBundle;
  return bundle.runCli(bundle.command, { path: found.path, args: found.rest, dataRoot });
}

const { code, endsWhenDone } = await main(process.argv.slice(2));
process.exitCode = code;
// Node's own teardown of a finished process (heap, helper threads) takes another 10-30 ms; a command that says it is
// done skips it once its output is out
if (endsWhenDone && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
