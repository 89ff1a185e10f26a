// The command surface: which module under commands/ serves each command, Docker's aliases, and the global flags before the command.

/**
 * Each command by its canonical path, and the file under src/cli/commands/ that serves it. Each of these
 * modules is bundled on its own (scripts/build.ts), so a command loads its own code and nothing else.
 */
export const COMMAND_MODULES: Record<string, string> = {
  'image ls': 'images',
  'image load': 'load',
  'image save': 'save',
  'image tag': 'tag',
  'image rm': 'rmi',
  'image inspect': 'inspect',
  'image history': 'history',
  'image import': 'import',
  'image prune': 'prune',
  'image build': 'build',
  'builder prune': 'builder-prune',
  'image pull': 'pull',
  'image push': 'push',
  'system df': 'system-df',
  'system check': 'system-check',
  'system prune': 'system-prune',
  'system info': 'info',
  'system events': 'events',
  'registry serve': 'registry-serve',
  'registry gc': 'registry-gc',
  serve: 'serve',
  version: 'version',
  'volume create': 'volume-create',
  'volume ls': 'volume-ls',
  'volume inspect': 'volume-inspect',
  'volume rm': 'volume-rm',
  'volume prune': 'volume-prune',
  'network ls': 'network-ls',
  'network inspect': 'network-inspect',
  'network create': 'network-create',
  'network rm': 'network-rm',
  'network prune': 'network-prune',
  'network connect': 'network-connect',
  'network disconnect': 'network-disconnect',
  'container port': 'port',
  'container cp': 'cp',
  login: 'login',
  logout: 'logout',
  search: 'search',
  copy: 'copy',
  'container run': 'run',
  'container create': 'create',
  'container start': 'start',
  'container stop': 'stop',
  'container restart': 'restart',
  'container kill': 'kill',
  'container pause': 'pause',
  'container unpause': 'unpause',
  'container update': 'update',
  'container rm': 'rm',
  'container ls': 'ps',
  'container exec': 'exec',
  'container logs': 'logs',
  'container wait': 'wait',
  'container rename': 'rename',
  'container diff': 'diff',
  'container export': 'export',
  'container commit': 'commit',
  'container inspect': 'inspect',
  inspect: 'inspect',
  'container attach': 'attach',
  'container top': 'top',
  'container stats': 'stats',
  'container prune': 'container-prune',
};

export const ALIASES: Record<string, string> = {
  images: 'image ls',
  'image list': 'image ls',
  'image remove': 'image rm',
  rmi: 'image rm',
  build: 'image build',
  'builder build': 'image build',
  load: 'image load',
  save: 'image save',
  tag: 'image tag',
  history: 'image history',
  import: 'image import',
  info: 'system info',
  events: 'system events',
  pull: 'image pull',
  push: 'image push',
  'volume list': 'volume ls',
  'volume remove': 'volume rm',
  'network list': 'network ls',
  'network remove': 'network rm',
  port: 'container port',
  cp: 'container cp',
  run: 'container run',
  create: 'container create',
  start: 'container start',
  stop: 'container stop',
  restart: 'container restart',
  kill: 'container kill',
  pause: 'container pause',
  unpause: 'container unpause',
  update: 'container update',
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

export function findCommand(argv: string[]): { path: string; module: string; rest: string[] } | undefined {
  const two = argv.slice(0, 2).join(' ');
  const viaTwo = moduleOf(two);
  if (viaTwo) return { path: two, module: viaTwo, rest: argv.slice(2) };
  const viaOne = argv.length ? moduleOf(argv[0]) : undefined;
  if (viaOne) return { path: argv[0], module: viaOne, rest: argv.slice(1) };
  return undefined;
}

/** Own keys only: `wharf constructor` is an unknown command, not Object's prototype. */
function moduleOf(path: string): string | undefined {
  const canonical = Object.hasOwn(ALIASES, path) ? ALIASES[path] : path;
  return Object.hasOwn(COMMAND_MODULES, canonical) ? COMMAND_MODULES[canonical] : undefined;
}

/** docker/cli's words for a command it does not know, inside a group (`image bogus`) or at the top. */
export function unknownCommandMessage(argv: string[]): string {
  const isGroup = argv.length > 1 && Object.keys(COMMAND_MODULES).some((path) => path.startsWith(`${argv[0]} `));
  if (!isGroup) return `wharf: unknown command: wharf ${argv[0]}\n\nRun 'wharf --help' for more information\n`;
  return `wharf: unknown command: wharf ${argv[0]} ${argv[1]}\n\nUsage:  wharf ${argv[0]}\n\nRun 'wharf ${argv[0]} --help' for more information\n`;
}

export function splitGlobalFlags(argv: string[]): { dataRoot?: string; rest: string[] } {
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

export function usage(): string {
  const names = [...Object.keys(COMMAND_MODULES), ...Object.keys(ALIASES)].sort();
  return `Usage:  wharf [--data-root DIR] COMMAND\n\nA Docker-compatible image and container engine, without a daemon\n\nCommands:\n${names.map((name) => `  ${name}`).join('\n')}\n`;
}
