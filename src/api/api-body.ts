// A request's JSON body, refused with a 400 as dockerd refuses one that is not JSON.
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ApiError } from './api-errors.ts';

/** `whenEmpty` stands for a body the client left out; without it an empty body is refused too. */
export async function jsonBody<T>(request: Readable, whenEmpty?: T): Promise<T> {
  const bytes = await text(request);
  if (whenEmpty !== undefined && bytes.trim() === '') return whenEmpty;
  try {
    return JSON.parse(bytes) as T;
  } catch {
    throw new ApiError(400, 'invalid JSON in the request body');
  }
}
