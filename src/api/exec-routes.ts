// Exec routes of the Engine API: create an exec instance, start it (detached, streamed in the response, or over a
// hijacked connection that also carries its stdin, as `docker exec -i` uses it), and inspect it for its exit code.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveContainer } from '../runtime/containers/container-store.ts';
import { isRunning } from '../runtime/containers/signal.ts';
import { ConflictError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { jsonBody } from './api-body.ts';
import { refuseUpgrade, sendJson } from './api-errors.ts';
import { terminalDimension } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';
import { claimExec, createExec, type ExecBody, getExec, inspectExec, runExec } from './exec-instances.ts';

async function create({ request, response, params, store }: ApiRequest): Promise<void> {
  const record = resolveContainer(store, params[0]);
  if (!isRunning(record)) throw new ConflictError(`Container ${record.id} is not running`);
  const instance = createExec(store, record, await jsonBody<ExecBody>(request, {}));
  sendJson(response, 201, { Id: instance.id });
}

/** Without a hijack: detached, 200 once the runtime has started it; attached, its output framed in the response. */
async function start({ request, response, params, store }: ApiRequest): Promise<void> {
  const instance = getExec(params[0]);
  const { Detach: detach } = await jsonBody<{ Detach?: boolean }>(request, {});
  const record = resolveContainer(store, instance.containerId);
  claimExec(instance);
  if (detach) {
    await runExec(store, record, instance, { detach: true });
    return void response.writeHead(200).end();
  }
  response.writeHead(200, { 'Content-Type': `application/vnd.docker.${instance.body.Tty ? 'raw' : 'multiplexed'}-stream` });
  await runExec(store, record, instance, { output: response, detach: false });
  response.end();
}

function inspect({ response, params }: ApiRequest): void {
  sendJson(response, 200, inspectExec(getExec(params[0])));
}

/** `h` rows and `w` columns for a TTY exec's terminal; for one without a TTY nothing to do, as dockerd answers. */
function resize({ response, params, query }: ApiRequest): void {
  const instance = getExec(params[0]);
  const size = { rows: terminalDimension(query, 'h', 'height'), columns: terminalDimension(query, 'w', 'width') };
  if (instance.body.Tty) instance.resize(size);
  response.writeHead(200).end();
}

export const EXEC_ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/exec$/, handler: create },
  { method: 'POST', pattern: /^\/exec\/([^/]+)\/start$/, handler: start },
  { method: 'POST', pattern: /^\/exec\/([^/]+)\/resize$/, handler: resize },
  { method: 'GET', pattern: /^\/exec\/([^/]+)\/json$/, handler: inspect },
];

const START_PATH = /^\/exec\/([^/]+)\/start$/;

/**
 * Takes an upgrade request that starts an exec; false for any other. Node's parser has read the request's JSON body
 * (`{"Detach":false}`: a hijack is never detached) before the upgrade: what follows on the connection is stdin.
 */
export function takeExecStart(path: string, request: IncomingMessage, socket: Duplex, head: Buffer, store: Store): boolean {
  const match = START_PATH.exec(path);
  if (!match || request.method !== 'POST') return false;
  if (head.length > 0) socket.unshift(head);
  void hijackedStart(decodeURIComponent(match[1]), socket, store).catch((error: unknown) => refuseUpgrade(socket, error));
  return true;
}

async function hijackedStart(id: string, socket: Duplex, store: Store): Promise<void> {
  const instance = getExec(id);
  const record = resolveContainer(store, instance.containerId);
  claimExec(instance);
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.${instance.body.Tty ? 'raw' : 'multiplexed'}-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  try {
    await runExec(store, record, instance, { output: socket, input: socket, detach: false });
  } finally {
    socket.end();
  }
}
