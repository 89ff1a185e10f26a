// Searches repositories: Docker Hub's v1 search API, a registry's own v1 search, or else its /v2/_catalog filtered by the term.
// Filters, limits and error texts are dockerd's (20.10, the engine the tests compare with).
import { InvalidArgumentError, WharfError } from '../../errors.ts';
import type { Credentials } from './auth/authenticator.ts';
import { HttpTransport } from './http-transport.ts';
import { RegistryClient } from './registry-client.ts';
import { loadRegistryConfig, type RegistryConfig } from './registry-config.ts';
import { describeFailure, RegistryError } from './registry-errors.ts';

export interface SearchResult {
  name: string;
  description: string;
  starCount: number;
  isOfficial: boolean;
  isAutomated: boolean;
}

export interface SearchOptions {
  /** 1..100; 0 or less means Docker's default, 25. */
  limit: number;
  /** `name=value` strings, as given to --filter. */
  filters: string[];
  /** Docker Hub's index, `https://index.docker.io` unless WHARF_INDEX_SERVER names a stand-in. */
  indexServer?: string;
  config?: RegistryConfig;
  credentials?: (registry: string) => Promise<Credentials | undefined>;
}

export const DEFAULT_SEARCH_LIMIT = 25;
const MAX_SEARCH_LIMIT = 100;
const DOCKER_HUB_INDEX = 'https://index.docker.io';
const OFFICIAL_INDEX_NAMES = new Set(['docker.io', 'index.docker.io']);
const CATALOG_PAGE = 100;
const MAX_CATALOG_PAGES = 10_000;
const RESPONSE_LIMIT = 16 << 20;
/** Statuses by which a registry says it has no v1 search API. */
const NO_SEARCH_API = new Set([401, 404, 405]);

interface SearchFilters {
  isOfficial?: boolean;
  isAutomated?: boolean;
  minStars?: number;
}

export async function searchRepositories(term: string, options: SearchOptions): Promise<SearchResult[]> {
  const filters = parseSearchFilters(options.filters);
  const limit = options.limit > 0 ? options.limit : DEFAULT_SEARCH_LIMIT;
  if (limit > MAX_SEARCH_LIMIT) throw new InvalidArgumentError(`Limit ${limit} is outside the range of [1, ${MAX_SEARCH_LIMIT}]`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(term)) throw new InvalidArgumentError('Invalid repository name (ex: "registry.domain.tld/myrepos")');
  const { index, remote } = splitSearchTerm(term);
  const results = OFFICIAL_INDEX_NAMES.has(index)
    ? await searchDockerHub(remote.replace(/^library\//, ''), limit, options.indexServer ?? DOCKER_HUB_INDEX)
    : await searchRegistry(index, remote, limit, options);
  return results.filter((result) => matches(result, filters));
}

/** dockerd accepts only `is-official`, `is-automated` (true|false) and `stars` (an integer; the highest given wins). */
export function parseSearchFilters(filters: string[]): SearchFilters {
  const values = new Map<string, string[]>();
  for (const filter of filters) {
    const at = filter.indexOf('=');
    const key = filter.slice(0, at).trim().toLowerCase();
    values.set(key, [...(values.get(key) ?? []), filter.slice(at + 1).trim()]);
  }
  const unknown = [...values.keys()].find((key) => !['is-official', 'is-automated', 'stars'].includes(key));
  if (unknown !== undefined) throw new InvalidArgumentError(`Invalid filter '${unknown}'`);
  const parsed: SearchFilters = { isAutomated: booleanFilter(values, 'is-automated'), isOfficial: booleanFilter(values, 'is-official') };
  for (const stars of values.get('stars') ?? []) {
    if (!/^[+-]?\d+$/.test(stars)) throw new InvalidArgumentError(`Invalid filter 'stars=${stars}'`);
    parsed.minStars = Math.max(parsed.minStars ?? 0, Number(stars));
  }
  return parsed;
}

function booleanFilter(values: Map<string, string[]>, key: string): boolean | undefined {
  const given = values.get(key);
  if (!given) return undefined;
  const distinct = [...new Set(given)];
  if (distinct.length === 1 && (distinct[0] === 'true' || distinct[0] === 'false')) return distinct[0] === 'true';
  throw new InvalidArgumentError(`Invalid filter '${key}=[${given.join(' ')}]'`);
}

function matches(result: SearchResult, filters: SearchFilters): boolean {
  if (filters.isOfficial !== undefined && result.isOfficial !== filters.isOfficial) return false;
  if (filters.isAutomated !== undefined && result.isAutomated !== filters.isAutomated) return false;
  return filters.minStars === undefined || result.starCount >= filters.minStars;
}

/** `ubuntu`, `team/app` → Docker Hub; `host:5000/app`, `registry.example/app`, `localhost/app` → that registry. */
function splitSearchTerm(term: string): { index: string; remote: string } {
  const slash = term.indexOf('/');
  const first = slash < 0 ? term : term.slice(0, slash);
  if (slash < 0 || (!first.includes('.') && !first.includes(':') && first !== 'localhost')) return { index: 'docker.io', remote: term };
  return { index: first.toLowerCase(), remote: term.slice(slash + 1) };
}

async function searchDockerHub(term: string, limit: number, indexServer: string): Promise<SearchResult[]> {
  const url = new URL('/v1/search', indexServer);
  url.search = new URLSearchParams({ q: term, n: String(limit) }).toString();
  const transport = new HttpTransport();
  try {
    const response = await transport.send({ method: 'GET', url });
    if (response.status !== 200) {
      response.body.resume();
      throw new WharfError(`Unexpected status code ${response.status}`);
    }
    return decodeResults(await response.text(RESPONSE_LIMIT));
  } finally {
    transport.close();
  }
}

/** A registry's v1 search when it has one; distribution has none, so its catalog, filtered by the term, stands in. */
async function searchRegistry(registry: string, term: string, limit: number, options: SearchOptions): Promise<SearchResult[]> {
  const transport = new HttpTransport();
  try {
    const credentials = await options.credentials?.(registry);
    const client = new RegistryClient(registry, { transport, config: options.config ?? loadRegistryConfig(), credentials });
    const query = new URLSearchParams({ q: term, n: String(limit) });
    const response = await client.request({ method: 'GET', path: `/v1/search?${query}`, scopes: [] });
    if (response.status === 200) return decodeResults(await response.text(RESPONSE_LIMIT));
    response.body.resume();
    if (!NO_SEARCH_API.has(response.status)) throw new WharfError(`Unexpected status code ${response.status}`);
    return await searchCatalog(client, term, limit);
  } finally {
    transport.close();
  }
}

async function searchCatalog(client: RegistryClient, term: string, limit: number): Promise<SearchResult[]> {
  const wanted = term.toLowerCase();
  const found: SearchResult[] = [];
  let path: string | undefined = `/v2/_catalog?n=${CATALOG_PAGE}`;
  for (let page = 0; path && page < MAX_CATALOG_PAGES && found.length < limit; page++) {
    const response = await client.request({ method: 'GET', path, scopes: ['registry:catalog:*'] });
    if (response.status === 404) {
      response.body.resume();
      throw new WharfError('Unexpected status code 404');
    }
    if (response.status !== 200) {
      const failure = await describeFailure(response);
      throw new RegistryError(failure.text, { status: response.status, code: failure.code });
    }
    const body = parseJson(await response.text(RESPONSE_LIMIT)) as { repositories?: unknown } | undefined;
    const names = Array.isArray(body?.repositories) ? body.repositories.filter((name): name is string => typeof name === 'string') : [];
    for (const name of names) {
      if (found.length < limit && name.toLowerCase().includes(wanted)) {
        found.push({ name: `${client.registry}/${name}`, description: '', starCount: 0, isOfficial: false, isAutomated: false });
      }
    }
    path = nextPage(response.headers.link);
  }
  return found;
}

/** The `Link: </v2/_catalog?last=x&n=100>; rel="next"` of a paginated catalog. */
function nextPage(link: string | string[] | undefined): string | undefined {
  const text = Array.isArray(link) ? link.join(', ') : link;
  const match = text && /<([^>]+)>\s*;\s*rel="?next"?/.exec(text);
  return match ? match[1] : undefined;
}

function decodeResults(text: string): SearchResult[] {
  const body = parseJson(text) as { results?: unknown } | undefined;
  if (!body || typeof body !== 'object') throw new WharfError('error decoding registry search results: invalid JSON');
  const results = Array.isArray(body.results) ? body.results : [];
  return results.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null).map((entry) => ({
    name: typeof entry.name === 'string' ? entry.name : '',
    description: typeof entry.description === 'string' ? entry.description : '',
    starCount: typeof entry.star_count === 'number' ? entry.star_count : 0,
    isOfficial: entry.is_official === true,
    isAutomated: entry.is_automated === true,
  }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
