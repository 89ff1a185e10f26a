// The wharf CLI's entry: finds the command and loads its bundle, which runs it; nothing else is loaded here.
import { createRequire, enableCompileCache } from 'node:module';
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
  // V8's code for the bundle, as it was at the end of the last run that compiled it, in Node's cache (the system's
  // temp dir, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): ~2.5 ms of the ~17 ms a command's
  // start adds to Node's. Node checks each entry against the source's hash, so a rebuilt bundle is compiled afresh.
  enableCompileCache();
  // required, not bundled: one command's bundle is all a run loads
  const bundle = createRequire(import.meta.url)(`./cmd-${found.module}.cjs`) as CommandBundle;
  return bundle.runCli(bundle.command, { path: found.path, args: found.rest, dataRoot });
}

void main(process.argv.slice(2)).then(({ code, endsWhenDone }) => {
  process.exitCode = code;
  // Node's own teardown of a finished process (heap, helper threads) takes another 10-30 ms; a command that says it is
  // done skips it once its output is out
  if (endsWhenDone && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
});
