// Docker's credential helper protocol: `docker-credential-<name> get|store|erase`, the request on stdin, JSON on stdout.
import { spawn } from 'node:child_process';
import { WharfError } from '../../../errors.ts';

export interface HelperCredentials {
  username: string;
  secret: string;
}

/** What every helper prints when it holds nothing for the server. */
const NOT_FOUND = 'credentials not found in native keychain';
const OUTPUT_LIMIT = 1 << 20;

/** The helper's credentials for `serverUrl`, or undefined when it has none. */
export async function helperGet(name: string, serverUrl: string): Promise<HelperCredentials | undefined> {
  const result = await runHelper(name, 'get', serverUrl);
  if (result.failure) {
    if (result.stdout.trim() === NOT_FOUND) return undefined;
    throw helperError('getting', result);
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch (error) {
    throw new WharfError(`error getting credentials - err: ${(error as Error).message}, out: \`\``, { fromDaemon: false });
  }
  if (typeof parsed?.Secret !== 'string' || !parsed.Secret) return undefined;
  return { username: typeof parsed.Username === 'string' ? parsed.Username : '', secret: parsed.Secret };
}

export async function helperStore(name: string, serverUrl: string, credentials: HelperCredentials): Promise<void> {
  const input = JSON.stringify({ ServerURL: serverUrl, Username: credentials.username, Secret: credentials.secret });
  const result = await runHelper(name, 'store', input);
  if (result.failure) throw helperError('storing', result);
}

/** Removes the helper's credentials for `serverUrl`; having none is not an error. */
export async function helperErase(name: string, serverUrl: string): Promise<void> {
  const result = await runHelper(name, 'erase', serverUrl);
  if (result.failure && result.stdout.trim() !== NOT_FOUND) throw helperError('erasing', result);
}

interface HelperResult {
  stdout: string;
  /** How the helper failed, in Go's words (`exit status 1`); undefined on success. */
  failure?: string;
}

function runHelper(name: string, action: string, input: string): Promise<HelperResult> {
  // A name is a suffix looked up on PATH, never a path: `credsStore: "../x"` must not run a file of its choosing.
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) {
    return Promise.reject(new WharfError(`invalid credential helper name ${JSON.stringify(name)}`, { fromDaemon: false }));
  }
  const program = `docker-credential-${name}`;
  return new Promise((resolve) => {
    const child = spawn(program, [action], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= OUTPUT_LIMIT) chunks.push(chunk);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      const failure = error.code === 'ENOENT' ? `exec: "${program}": executable file not found in $PATH` : error.message;
      resolve({ stdout: '', failure });
    });
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(chunks).toString();
      if (code === 0) resolve({ stdout });
      else resolve({ stdout, failure: signal ? `signal: ${signal.replace(/^SIG/, '').toLowerCase()}` : `exit status ${code}` });
    });
  });
}

/** docker-credential-helpers' client wording: "error storing credentials - err: exit status 1, out: `…`". */
function helperError(verb: string, result: HelperResult): WharfError {
  return new WharfError(`error ${verb} credentials - err: ${result.failure}, out: \`${result.stdout.trim()}\``, { fromDaemon: false });
}
