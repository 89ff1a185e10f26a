// The Engine API versions wharf speaks, for the server's negotiation and `wharf version` alike.
import type { IncomingMessage } from 'node:http';

export const API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';

/** The version a request's path names (`/v1.41/volumes/prune`), or this server's own for a path that names none. */
export function requestedApiVersion(request: IncomingMessage): string {
  return /^\/v(\d+\.\d+)\//.exec(request.url ?? '')?.[1] ?? API_VERSION;
}

/** As dockerd's versions.LessThan: by major, then minor, as numbers (1.9 is older than 1.41). */
export function isOlderApiVersion(version: string, than: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  const [thanMajor, thanMinor] = than.split('.').map(Number);
  return major < thanMajor || (major === thanMajor && minor < thanMinor);
}
