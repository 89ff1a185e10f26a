// `wharf registry serve` settings: distribution's config.yml keys where they apply, overridden by flags.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../errors.ts';

export interface ServeConfig {
  addr: string;
  root: string;
  tls?: { cert: string; key: string };
  htpasswd?: { path: string; realm: string };
  token?: TokenConfig;
  readOnly: boolean;
  deleteEnabled: boolean;
  accessLog: boolean;
}

export interface TokenConfig {
  /** The URL clients fetch tokens from (`--token-realm`); the server answers it itself. */
  realm: string;
  service: string;
  issuer: string;
  /** Who may pull and push which repositories (see access-file.ts). */
  accessFile?: string;
  /** The HMAC key tokens are signed with; a fresh random key (tokens die with the process) when absent. */
  keyFile?: string;
  /** Certificates of an outside token server (distribution's `rootcertbundle`): its tokens are trusted, none issued here. */
  rootCertBundle?: string;
}

export interface ServeFlags {
  addr?: string;
  root?: string;
  tlsCert?: string;
  tlsKey?: string;
  htpasswd?: string;
  tokenRealm?: string;
  tokenService?: string;
  tokenKey?: string;
  accessFile?: string;
  readOnly?: boolean;
  delete?: boolean;
  accessLog?: boolean;
}

/** Defaults, then the config file, then flags: the last one given wins. */
export async function loadServeConfig(configFile: string | undefined, flags: ServeFlags, defaultRoot: string): Promise<ServeConfig> {
  const file = configFile ? await fromConfigFile(configFile) : {};
  const config: ServeConfig = { addr: ':5000', root: defaultRoot, readOnly: false, deleteEnabled: true, accessLog: true, ...file };
  if (flags.addr !== undefined) config.addr = flags.addr;
  if (flags.root !== undefined) config.root = flags.root;
  if (flags.tlsCert !== undefined || flags.tlsKey !== undefined) {
    if (!flags.tlsCert || !flags.tlsKey) throw new InvalidArgumentError('--tls-cert and --tls-key must be given together', { fromDaemon: false });
    config.tls = { cert: flags.tlsCert, key: flags.tlsKey };
  }
  if (flags.htpasswd !== undefined) config.htpasswd = { path: flags.htpasswd, realm: config.htpasswd?.realm ?? 'wharf-registry' };
  if (flags.tokenRealm !== undefined) {
    config.token = { service: 'wharf-registry', issuer: 'wharf-registry', ...config.token, realm: flags.tokenRealm };
  }
  if (config.token) {
    if (flags.tokenService !== undefined) config.token.service = flags.tokenService;
    if (flags.accessFile !== undefined) config.token.accessFile = flags.accessFile;
    if (flags.tokenKey !== undefined) config.token.keyFile = flags.tokenKey;
  }
  if (flags.readOnly !== undefined) config.readOnly = flags.readOnly;
  if (flags.delete !== undefined) config.deleteEnabled = flags.delete;
  if (flags.accessLog !== undefined) config.accessLog = flags.accessLog;
  return config;
}

interface DistributionConfig {
  http?: { addr?: string; tls?: { certificate?: string; key?: string } };
  storage?: {
    filesystem?: { rootdirectory?: string };
    delete?: { enabled?: boolean };
    maintenance?: { readonly?: { enabled?: boolean } };
  };
  auth?: {
    htpasswd?: { realm?: string; path?: string };
    token?: { realm?: string; service?: string; issuer?: string; accessfile?: string; signingkey?: string; rootcertbundle?: string };
  };
  log?: { accesslog?: { disabled?: boolean } };
}

async function fromConfigFile(path: string): Promise<Partial<ServeConfig>> {
  const { parse } = await import('yaml');
  let doc: DistributionConfig;
  try {
    doc = (parse(readFileSync(path, 'utf8')) ?? {}) as DistributionConfig;
  } catch (error) {
    throw new InvalidArgumentError(`configuration error in ${path}: ${(error as Error).message.split('\n')[0]}`, { fromDaemon: false, cause: error });
  }
  const config: Partial<ServeConfig> = {};
  const { http, storage, auth, log } = doc;
  if (http?.addr) config.addr = http.addr;
  if (http?.tls?.certificate && http.tls.key) config.tls = { cert: http.tls.certificate, key: http.tls.key };
  if (storage?.filesystem?.rootdirectory) config.root = storage.filesystem.rootdirectory;
  if (storage?.delete?.enabled !== undefined) config.deleteEnabled = Boolean(storage.delete.enabled);
  if (storage?.maintenance?.readonly?.enabled !== undefined) config.readOnly = Boolean(storage.maintenance.readonly.enabled);
  if (auth?.htpasswd?.path) config.htpasswd = { path: auth.htpasswd.path, realm: auth.htpasswd.realm ?? 'wharf-registry' };
  if (auth?.token?.realm) {
    const { realm, service = 'wharf-registry', issuer = 'wharf-registry', accessfile, signingkey, rootcertbundle } = auth.token;
    config.token = { realm, service, issuer, accessFile: accessfile, keyFile: signingkey, rootCertBundle: rootcertbundle };
  }
  if (log?.accesslog?.disabled !== undefined) config.accessLog = !log.accesslog.disabled;
  return config;
}
