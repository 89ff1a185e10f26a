// `--security-opt` as Docker takes it: read by the client (a seccomp profile file becomes its JSON), checked as the daemon checks it.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, withPath } from '../../errors.ts';
import { BUILTIN, parseProfile, UNCONFINED } from './seccomp.ts';

export interface SecurityOptions {
  /** 'builtin', 'unconfined' or a profile's JSON; absent: Docker's profile. */
  seccomp?: string;
  noNewPrivileges: boolean;
}

/** Go's strconv.ParseBool. */
const BOOLEANS = new Map([...['1', 't', 'T', 'TRUE', 'true', 'True'].map((text) => [text, true] as const), ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((text) => [text, false] as const)]);

/** docker/cli's parseSecurityOpts: only no-new-privileges stands without a value; a seccomp profile file goes to the daemon as its JSON. */
export function readSecurityOpts(opts: string[]): string[] {
  return opts.map((opt) => {
    const { key, value } = splitOpt(opt);
    if (key === 'no-new-privileges') return opt;
    if (!value) throw new InvalidArgumentError(`invalid --security-opt: ${JSON.stringify(opt)}`, { exitCode: 125, fromDaemon: false });
    return key === 'seccomp' && value !== BUILTIN && value !== UNCONFINED ? `seccomp=${readProfileFile(value)}` : opt;
  });
}

function readProfileFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? `compacting json for seccomp profile (${file}) failed: ${error.message}` : `opening seccomp profile (${file}) failed: ${(withPath(error, file) as Error).message}`;
    throw new InvalidArgumentError(reason, { exitCode: 125, fromDaemon: false });
  }
  // Go's json.Compact: no whitespace between tokens, strings and numbers as written
  return text.replace(/"(?:[^"\\]|\\.)*"|\s+/g, (token) => (token.startsWith('"') ? token : ''));
}

/**
 * moby's parseSecurityOpt for what wharf enforces, seccomp and no-new-privileges. It confines with neither
 * AppArmor nor SELinux, so of their options it takes only the ones that turn them off.
 */
export function securityOptions(opts: readonly string[]): SecurityOptions {
  const options: SecurityOptions = { noNewPrivileges: false };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') {
      options.noNewPrivileges = true;
      continue;
    }
    const { key, value } = splitOpt(opt);
    if (value === undefined) throw daemonError(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    if (key === 'seccomp') options.seccomp = value;
    else if (key === 'no-new-privileges' && BOOLEANS.has(value)) options.noNewPrivileges = BOOLEANS.get(value) === true;
    else if (!(key === 'apparmor' && value === 'unconfined') && !(key === 'label' && value === 'disable')) throw daemonError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
  }
  return options;
}

/** What create keeps as HostConfig.SecurityOpt, refused there (a profile that does not decode too) rather than at start. */
export function checkSecurityOpts(opts: string[]): string[] | null {
  const { seccomp } = securityOptions(opts);
  if (seccomp !== undefined && seccomp !== BUILTIN && seccomp !== UNCONFINED) parseProfile(seccomp);
  return opts.length ? opts : null;
}

/** `=` separates key and value; `:` did before Docker 1.13 and still does where there is no `=`. */
function splitOpt(opt: string): { key: string; value?: string } {
  const at = opt.includes('=') ? opt.indexOf('=') : opt.indexOf(':');
  return at < 0 ? { key: opt } : { key: opt.slice(0, at), value: opt.slice(at + 1) };
}

function daemonError(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, { exitCode: 125 });
}
