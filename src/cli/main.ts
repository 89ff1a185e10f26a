// The wharf CLI's entry: global flags, the command table, and the one place errors become output and exit codes.
import { errorLine, WharfError } from '../errors.ts';
import { createContext, type CliContext } from './context.ts';
import { UsageError } from './usage-error.ts';

export interface CommandModule {
  run(context: CliContext, args: string[], commandPath: string): Promise<number | void>;
  /** Nothing the command started is still in flight once run() resolves: the process may end at once (see the end of this file). */
  readonly endsWhenDone?: boolean;
}

let endsWhenDone = false;

type Loader = () => Promise<CommandModule>;

/** Each command loads only its own module, so `wharf version` pays for nothing else. */
const COMMANDS: Record<string, Loader> = {
  'image ls': () => import('./commands/images.ts'),
  'image load': () => import('./commands/load.ts'),
  'image save': () => import('./commands/save.ts'),
  'image tag': () => import('./commands/tag.ts'),
  'image rm': () => import('./commands/rmi.ts'),
  'image inspect': () => import('./commands/inspect.ts'),
  'image history': () => import('./commands/history.ts'),
  'image import': () => import('./commands/import.ts'),
  'image prune': () => import('./commands/prune.ts'),
  'image build': () => import('./commands/build.ts'),
  'builder prune': () => import('./commands/builder-prune.ts'),
  'image pull': () => import('./commands/pull.ts'),
  'image push': () => import('./commands/push.ts'),
  'system df': () => import('./commands/system-df.ts'),
  'system check': () => import('./commands/system-check.ts'),
  'system prune': () => import('./commands/system-prune.ts'),
  'system info': () => import('./commands/info.ts'),
  'registry serve': () => import('./commands/registry-serve.ts'),
  'registry gc': () => import('./commands/registry-gc.ts'),
  version: () => import('./commands/version.ts'),
  'volume create': () => import('./commands/volume-create.ts'),
  'volume ls': () => import('./commands/volume-ls.ts'),
  'volume inspect': () => import('./commands/volume-inspect.ts'),
  'volume rm': () => import('./commands/volume-rm.ts'),
  'volume prune': () => import('./commands/volume-prune.ts'),
  'network ls': () => import('./commands/network-ls.ts'),
  'network inspect': () => import('./commands/network-inspect.ts'),
  'container port': () => import('./commands/port.ts'),
  'container cp': () => import('./commands/cp.ts'),
  login: () => import('./commands/login.ts'),
  logout: () => import('./commands/logout.ts'),
  search: () => import('./commands/search.ts'),
  copy: () => import('./commands/copy.ts'),
  'container run': () => import('./commands/run.ts'),
  'container create': () => import('./commands/create.ts'),
  'container start': () => import('./commands/start.ts'),
  'container stop': () => import('./commands/stop.ts'),
  'container restart': () => import('./commands/restart.ts'),
  'container kill': () => import('./commands/kill.ts'),
  'container rm': () => import('./commands/rm.ts'),
  'container ls': () => import('./commands/ps.ts'),
  'container exec': () => import('./commands/exec.ts'),
  'container logs': () => import('./commands/logs.ts'),
  'container wait': () => import('./commands/wait.ts'),
  'container rename': () => import('./commands/rename.ts'),
  'container diff': () => import('./commands/diff.ts'),
  'container export': () => import('./commands/export.ts'),
  'container commit': () => import('./commands/commit.ts'),
  'container inspect': () => import('./commands/inspect.ts'),
  'container attach': () => import('./commands/attach.ts'),
  'container top': () => import('./commands/top.ts'),
  'container stats': () => import('./commands/stats.ts'),
  'container prune': () => import('./commands/container-prune.ts'),
};

const ALIASES: Record<string, string> = {
  images: 'image ls',
  'image list': 'image ls',
  'image remove': 'image rm',
  rmi: 'image rm',
  build: 'image build',
  'builder build': 'image build',
  load: 'image load',
  save: 'image save',
  tag: 'image tag',
  inspect: 'image inspect',
  history: 'image history',
  import: 'image import',
  info: 'system info',
  pull: 'image pull',
  push: 'image push',
  'volume list': 'volume ls',
  'volume remove': 'volume rm',
  'network list': 'network ls',
  port: 'container port',
  cp: 'container cp',
  run: 'container run',
  create: 'container create',
  start: 'container start',
  stop: 'container stop',
  restart: 'container restart',
  kill: 'container kill',
  rm: 'container rm',
  'container remove': 'container rm',
  ps: 'container ls',
  'container list': 'container ls',
  'container ps': 'container ls',
  exec: 'container exec',
  logs: 'container logs',
  wait: 'container wait',
  rename: 'container rename',
  attach: 'container attach',
  top: 'container top',
  stats: 'container stats',
  diff: 'container diff',
  export: 'container export',
  commit: 'container commit',
};

function findCommand(argv: string[]): { path: string; rest: string[] } | undefined {
  const two = argv.slice(0, 2).join(' ');
  const name = ALIASES[two] ?? two;
  if (COMMANDS[name]) return { path: two, rest: argv.slice(2) };
  const one = ALIASES[argv[0]] ?? argv[0];
  if (COMMANDS[one]) return { path: argv[0], rest: argv.slice(1) };
  return undefined;
}

function splitGlobalFlags(argv: string[]): { dataRoot?: string; rest: string[] } {
  let dataRoot: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-root') dataRoot = argv[++i];
    else if (arg.startsWith('--data-root=')) dataRoot = arg.slice('--data-root='.length);
    else break;
  }
  return { dataRoot, rest: argv.slice(i) };
}

export async function main(argv: string[]): Promise<number> {
  const { dataRoot, rest } = splitGlobalFlags(argv);
  const context = createContext({ dataRoot });
  try {
    if (rest.length === 0 || rest[0] === '--help') {
      context.out(usage());
      return 0;
    }
    if (rest[0] === '--version' || rest[0] === '-v') rest.splice(0, 1, 'version');
    const command = findCommand(rest);
    if (!command) throw new UsageError(`unknown command: "wharf ${rest[0]}"\n\nRun 'wharf --help' for more information`);
    const module = await COMMANDS[ALIASES[command.path] ?? command.path]();
    endsWhenDone = module.endsWhenDone === true;
    return (await module.run(context, command.rest, command.path)) ?? 0;
  } catch (error) {
    context.err(`${error instanceof UsageError ? error.message : errorLine(error)}\n`);
    return error instanceof WharfError ? error.exitCode : 1;
  }
}

function usage(): string {
  const names = [...Object.keys(COMMANDS), ...Object.keys(ALIASES)].sort();
  return `Usage:  wharf [--data-root DIR] COMMAND\n\nA Docker-compatible image and container engine, without a daemon\n\nCommands:\n${names.map((name) => `  ${name}`).join('\n')}\n`;
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Node's own teardown of a finished process (heap, helper threads) takes another 10-30 ms; a command that says it is
// done skips it once its output is out
if (endsWhenDone && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
