// `wharf login [-u USER] [-p PASS | --password-stdin] [SERVER]`: checks credentials against the registry, then stores them as Docker does.
import { WharfError } from '../../errors.ts';
import type { Credentials } from '../../registry/client/auth/authenticator.ts';
import { credentialKey, getCredentials, registryOfKey, storeCredentials } from '../../registry/client/auth/credentials.ts';
import { verifyLogin } from '../../registry/client/login.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { promptLine } from '../prompt.ts';

const PASSWORD_FLAG_WARNING = 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n';
const LOGIN_SUCCEEDED = 'Login Succeeded\n';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    username: { type: 'string', short: 'u' },
    password: { type: 'string', short: 'p' },
    'password-stdin': { type: 'boolean' },
  }, path);
  requireArgs(positionals, { min: 0, max: 1 }, path, `${path} [OPTIONS] [SERVER]`);
  const username = ((values.username as string | undefined) ?? '').trim();
  let password = (values.password as string | undefined) ?? '';
  const passwordStdin = values['password-stdin'] === true;
  if (password && passwordStdin) throw clientError('conflicting options: cannot specify both --password and --password-stdin');
  if (passwordStdin && !username) throw clientError('the --password-stdin option requires --username to be set');
  if (password) context.err(PASSWORD_FLAG_WARNING);
  if (passwordStdin) password = (await readAll(context.stdin)).replace(/\n$/, '').replace(/\r$/, '');
  const key = credentialKey(positionals[0]);
  const registry = registryOfKey(key);

  let defaultUsername = '';
  if (!username && !password) {
    const stored = await getCredentials(key, context.env).catch(() => undefined);
    defaultUsername = stored?.username ?? '';
    if (stored?.username && stored.password && (await loginWithStored(context, registry, stored))) return 0;
  }
  const credentials = await askForMissing(context, { username, password: password.trim(), defaultUsername });
  const { identityToken } = await verifyLogin(registry, credentials);
  const toStore = identityToken ? { username: credentials.username, identityToken } : credentials;
  const stored = await storeCredentials(key, toStore, context.env).catch((error: unknown) => {
    throw clientError(`Error saving credentials: ${(error as Error).message.replace(/^Error saving credentials: /, '')}`);
  });
  if (stored.plainTextFile) {
    context.err(`\nWARNING! Your credentials are stored unencrypted in '${stored.plainTextFile}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`);
  }
  context.out(LOGIN_SUCCEEDED);
  return 0;
}

/** What Docker tries first when neither -u nor -p is given: the stored credentials, if they still work. */
async function loginWithStored(context: CliContext, registry: string, stored: Credentials): Promise<boolean> {
  context.err(`Authenticating with existing credentials... [Username: ${stored.username}]\n`);
  context.err(`\n Info -> To login with a different account, run 'wharf logout' followed by 'wharf login'\n\n\n`);
  try {
    await verifyLogin(registry, stored);
  } catch (error) {
    context.err(`Login did not succeed, error: Error response from daemon: ${(error as Error).message}\n`);
    return false;
  }
  context.out(LOGIN_SUCCEEDED);
  return true;
}

/** Prompts on a terminal for the username and password not given; without a terminal that is Docker's error. */
async function askForMissing(context: CliContext, given: { username: string; password: string; defaultUsername: string }): Promise<Credentials> {
  let { username, password } = given;
  if (username && password) return { username, password };
  if (!context.stdin.isTTY) throw clientError('Error: Cannot perform an interactive login from a non TTY device');
  if (!username) {
    const question = given.defaultUsername ? `Username (${given.defaultUsername}): ` : 'Username: ';
    username = (await promptLine(context, question, { echo: true })).trim() || given.defaultUsername;
    if (!username) throw clientError('Error: Non-null Username Required');
  }
  if (!password) {
    password = (await promptLine(context, 'Password: ', { echo: false })).trim();
    context.out('\n');
    if (!password) throw clientError('Error: Password Required');
  }
  return { username, password };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** docker/cli's own errors: printed bare, exit 1. */
function clientError(message: string): WharfError {
  return new WharfError(message, { fromDaemon: false });
}
