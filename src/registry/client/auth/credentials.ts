// Where a registry's credentials live: a credential helper (`credHelpers`, `credsStore`) or config.json's `auths`, keyed as Docker keys them.
import type { Credentials } from './authenticator.ts';
import { helperErase, helperGet, helperStore } from './credential-helper.ts';
import { withConfigLock } from './config-lock.ts';
import { type AuthEntry, type DockerConfig, dockerConfigPath, readDockerConfig, writeDockerConfig } from './docker-config.ts';

/** Docker Hub's key in config.json and in credential helpers. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB = 'docker.io';
/** What a helper's Username says when its Secret is an identity token rather than a password. */
const TOKEN_USERNAME = '<token>';

/** The key `login SERVER` stores under: Docker Hub's URL for none or `docker.io`, otherwise the host, scheme and path dropped. */
export function credentialKey(server: string | undefined): string {
  if (!server || server === DOCKER_HUB || server === DOCKER_HUB_KEY) return DOCKER_HUB_KEY;
  return hostnameOf(server);
}

/** The registry (as references name it) a key's credentials are for: `docker.io` for Docker Hub's. */
export function registryOfKey(key: string): string {
  return key === DOCKER_HUB_KEY ? DOCKER_HUB : key;
}

/** Credentials for a registry as references name it (`docker.io`, `127.0.0.1:5000`); undefined when none are stored. */
export function loadCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  return getCredentials(registry === DOCKER_HUB ? DOCKER_HUB_KEY : registry, env);
}

export async function getCredentials(key: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  const config = readDockerConfig(env, { lenient: true });
  const helper = helperFor(config, key);
  if (helper) {
    const found = await helperGet(helper, key);
    if (!found) return undefined;
    return found.username === TOKEN_USERNAME ? { identityToken: found.secret } : { username: found.username, password: found.secret };
  }
  const entry = findEntry(config, key);
  return entry && decodeEntry(entry);
}

export interface StoredWhere {
  /** The config file, when the password went into it in base64 (Docker then warns); undefined for a helper. */
  plainTextFile?: string;
}

/** Stores in the key's helper (leaving an empty `auths` entry, as Docker does) or in config.json. */
export function storeCredentials(key: string, credentials: Credentials, env: NodeJS.ProcessEnv = process.env): Promise<StoredWhere> {
  return withConfigLock(dockerConfigPath(env), () => storeLocked(key, credentials, env));
}

async function storeLocked(key: string, credentials: Credentials, env: NodeJS.ProcessEnv): Promise<StoredWhere> {
  const config = readDockerConfig(env);
  const auths = (config.data.auths ??= {});
  const helper = helperFor(config, key);
  if (helper) {
    const secret = credentials.identityToken ?? credentials.password ?? '';
    await helperStore(helper, key, { username: credentials.identityToken ? TOKEN_USERNAME : (credentials.username ?? ''), secret });
    auths[key] = {};
    writeDockerConfig(config);
    return {};
  }
  const entry = encodeEntry(credentials);
  // Docker's file store leaves the file (and its warning) alone when nothing changed.
  if (JSON.stringify(auths[key]) === JSON.stringify(entry)) return {};
  auths[key] = entry;
  writeDockerConfig(config);
  return { plainTextFile: credentials.password ? config.path : undefined };
}

/** Removes every one of `keys` from its helper and from config.json; keys nobody stored are no error. */
export function eraseCredentials(keys: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return withConfigLock(dockerConfigPath(env), () => eraseLocked(keys, env));
}

async function eraseLocked(keys: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const config = readDockerConfig(env);
  for (const key of keys) {
    const helper = helperFor(config, key);
    if (helper) await helperErase(helper, key);
  }
  const auths = config.data.auths;
  if (!auths || !keys.some((key) => key in auths)) return;
  for (const key of keys) delete auths[key];
  writeDockerConfig(config);
}

function helperFor(config: DockerConfig, key: string): string | undefined {
  const { credHelpers, credsStore } = config.data;
  const specific = credHelpers && typeof credHelpers === 'object' ? credHelpers[key] : undefined;
  if (typeof specific === 'string' && specific) return specific;
  return typeof credsStore === 'string' && credsStore ? credsStore : undefined;
}

/** The entry under the key itself, or under an older spelling of it (`https://host/v1/`, `http://host`). */
function findEntry(config: DockerConfig, key: string): AuthEntry | undefined {
  const auths = config.data.auths;
  if (!auths || typeof auths !== 'object') return undefined;
  if (auths[key]) return auths[key];
  const match = Object.keys(auths).find((candidate) => hostnameOf(candidate) === key);
  return match === undefined ? undefined : auths[match];
}

function decodeEntry(entry: AuthEntry): Credentials | undefined {
  const credentials: Credentials = {};
  if (typeof entry.auth === 'string' && entry.auth) {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon > 0) {
      credentials.username = text.slice(0, colon);
      if (colon + 1 < text.length) credentials.password = text.slice(colon + 1);
    }
  } else if (typeof entry.username === 'string' && entry.username) {
    credentials.username = entry.username;
    if (typeof entry.password === 'string' && entry.password) credentials.password = entry.password;
  }
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) credentials.identityToken = entry.identitytoken;
  if (typeof entry.registrytoken === 'string' && entry.registrytoken) credentials.registryToken = entry.registrytoken;
  return Object.keys(credentials).length ? credentials : undefined;
}

/** `auth` holds `user:password` in base64 (`user:` once an identity token replaced the password). */
function encodeEntry(credentials: Credentials): AuthEntry {
  const entry: AuthEntry = {};
  if (credentials.username || credentials.password) entry.auth = Buffer.from(`${credentials.username ?? ''}:${credentials.password ?? ''}`).toString('base64');
  if (credentials.identityToken) entry.identitytoken = credentials.identityToken;
  return entry;
}

/** docker's ConvertToHostname: `https://host:5000/v1/` → `host:5000`. */
function hostnameOf(server: string): string {
  const stripped = server.replace(/^https?:\/\//, '');
  const slash = stripped.indexOf('/');
  return slash < 0 ? stripped : stripped.slice(0, slash);
}
