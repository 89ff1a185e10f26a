// A tiny stand-in for Docker Hub's v1 index: `/v1/_ping` and `/v1/search?q=&n=` answering in Docker Hub's JSON shape.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** One repository as Docker Hub's search API lists it. */
export interface IndexRepository {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export interface SearchIndex {
  /** `http://127.0.0.1:PORT`: WHARF_INDEX_SERVER's value. */
  url: string;
  /** `127.0.0.1:PORT`: a registry in a search term, as dockerd's search of a private index takes it. */
  host: string;
  /** Each search request's query (`q`, `n`) and Authorization header, in order. */
  requests: Array<{ q: string; n: string; authorization?: string }>;
}

/** Serves `repositories`, matching `q` against names and descriptions as Docker Hub does, at most `n` of them. */
export async function startSearchIndex(t: Pick<TestContext, 'after'>, repositories: IndexRepository[]): Promise<SearchIndex> {
  const requests: SearchIndex['requests'] = [];
  const server = createServer((request, response) => answer(request, response, repositories, requests));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, requests };
}

function answer(request: IncomingMessage, response: ServerResponse, repositories: IndexRepository[], requests: SearchIndex['requests']): void {
  const url = new URL(request.url ?? '/', 'http://index');
  if (url.pathname === '/v1/_ping') return json(response, 200, true);
  if (url.pathname !== '/v1/search') return json(response, 404, { message: 'not found' });
  const q = url.searchParams.get('q') ?? '';
  const n = url.searchParams.get('n') ?? '25';
  requests.push({ q, n, authorization: request.headers.authorization });
  const term = q.toLowerCase();
  const matches = repositories.filter((repository) => `${repository.name} ${repository.description}`.toLowerCase().includes(term));
  const results = matches.slice(0, Number(n));
  json(response, 200, { num_pages: 1, num_results: matches.length, page_size: Number(n), query: q, results });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
