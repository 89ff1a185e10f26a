// `docker build` against wharf serve: the classic builder's POST /build, the context as a tar body, progress as JSON messages; and POST /build/prune.
import { buildImage } from '../build/builder.ts';
import { pruneCacheMounts } from '../build/cache-mounts.ts';
import { openBuildContext } from '../build/context/build-context.ts';
import { remoteKind } from '../build/context/remote-kind.ts';
import { PlainProgress } from '../build/plain-progress.ts';
import { quietProgress } from '../build/progress.ts';
import { CommandFailedError } from '../build/steps/run-step.ts';
import { InvalidArgumentError } from '../errors.ts';
import { familiar, tagName } from '../images/names.ts';
import { pullImage } from '../images/pull.ts';
import { RegistryAccess } from '../registry/client/registry-access.ts';
import { ApiError, sendJson } from './api-errors.ts';
import { queryFlag } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';
import { answerWithMessages, type SendMessage } from './json-message-stream.ts';
import { buildCredentials } from './registry-auth.ts';

/** The short ID the classic builder prints in `Successfully built …`. */
const SHORT_ID = 12;

async function build({ request, response, query, store }: ApiRequest): Promise<void> {
  if (query.get('version') === '2') throw new ApiError(400, 'wharf serve has no BuildKit session API: build with the classic builder (DOCKER_BUILDKIT=0) or wharf build');
  // as dockerd, a bad tag fails the request before any step runs
  const tags = query.getAll('t').map((tag) => familiar(tagName(tag)));
  const remote = query.get('remote') || undefined;
  // only a URL or a Git remote: a path would read the server's own disk
  if (remote && !remoteKind(remote)) throw new ApiError(400, `unable to prepare context: ${remote} is not a Git or http(s) URL`);
  const context = await openBuildContext({ source: remote ?? '-', stdin: request, dockerfile: query.get('dockerfile') || undefined });
  const access = new RegistryAccess({ credentials: buildCredentials(request.headers['x-registry-config']) });
  try {
    await answerWithMessages(response, async (send) => {
      const id = await runBuild({ query, store, context, tags, access, send });
      send({ aux: { ID: id } });
      if (queryFlag(query, 'q')) return send({ stream: `${id}\n` });
      send({ stream: `Successfully built ${id.slice('sha256:'.length, 'sha256:'.length + SHORT_ID)}\n` });
      for (const tag of tags) send({ stream: `Successfully tagged ${tag}\n` });
    }, (error) => (error instanceof CommandFailedError ? error.commandExitCode : undefined));
  } finally {
    access.close();
    await context.close();
  }
}

interface BuildRun extends Pick<ApiRequest, 'query' | 'store'> {
  context: Awaited<ReturnType<typeof openBuildContext>>;
  tags: string[];
  access: RegistryAccess;
  send: SendMessage;
}

/** The build itself, its steps' lines (BuildKit's plain form) and a base image's pull sent as the stream goes. */
async function runBuild({ query, store, context, tags, access, send }: BuildRun) {
  const write = (text: string) => send({ stream: text });
  const progress = queryFlag(query, 'q') ? quietProgress : new PlainProgress(write);
  const network = query.get('networkmode');
  try {
    return await buildImage(store, {
      context,
      tags,
      buildArgs: new Map(Object.entries(jsonQuery<Record<string, string | null>>(query, 'buildargs', {})).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
      target: query.get('target') || undefined,
      noCache: queryFlag(query, 'nocache'),
      cacheFrom: jsonQuery<string[]>(query, 'cachefrom', []),
      pull: queryFlag(query, 'pull'),
      labels: jsonQuery<Record<string, string>>(query, 'labels', {}),
      network: !network || network === 'default' ? 'bridge' : network,
      secrets: new Map(),
      platform: query.get('platform') || undefined,
      progress,
      pullImage: async (name) => void (await pullImage(store, name, { access, onProgress: send })),
      warn: write,
    });
  } finally {
    progress.finish();
  }
}

/** `buildargs`, `labels` and `cachefrom` come as JSON in the query; absent or empty is the default. */
function jsonQuery<T>(query: URLSearchParams, name: string, fallback: T): T {
  const raw = query.get(name);
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new InvalidArgumentError(`invalid ${name} parameter: ${raw}`);
  }
}

/** `docker builder prune` (and `system prune`): the RUN --mount=type=cache directories no running build uses, as wharf builder prune removes them. */
function pruneCache({ response, store }: ApiRequest): void {
  const { removed, reclaimedBytes } = pruneCacheMounts(store);
  sendJson(response, 200, { CachesDeleted: removed.length ? removed : null, SpaceReclaimed: reclaimedBytes });
}

export const BUILD_ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/build$/, handler: build },
  { method: 'POST', pattern: /^\/build\/prune$/, handler: pruneCache },
];
