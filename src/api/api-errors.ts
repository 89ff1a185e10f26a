// How a failed request is answered: the HTTP status Docker's daemon gives each kind of error, and its JSON body.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ConflictError, ForbiddenError, InvalidArgumentError, InvalidContentError, LimitExceededError, NotFoundError, NotImplementedError, WharfError } from '../errors.ts';

/** A request the API does not serve, or serves only in a form the client did not use. */
export class ApiError extends WharfError {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function statusOf(error: unknown): number {
  if (error instanceof ApiError) return error.status;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotImplementedError) return 501;
  if (error instanceof InvalidArgumentError || error instanceof InvalidContentError || error instanceof LimitExceededError) return 400;
  return 500;
}

/** `{"message": …}`, which docker/cli prints as `Error response from daemon: …`. */
export function sendError(response: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  if (response.headersSent) {
    // a stream already under way can only be cut short; the client sees it end early
    response.destroy(error instanceof Error ? error : undefined);
    return;
  }
  sendJson(response, statusOf(error), { message });
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(`${JSON.stringify(body)}\n`);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  response.end(bytes);
}

/** Refuses a request that asked to hijack its connection, before the upgrade: its status line and Docker's JSON message. */
export function refuseUpgrade(socket: Duplex, error: unknown): void {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ message })}\n`);
}
