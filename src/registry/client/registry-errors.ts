// Registry error responses (the spec's JSON `errors` bodies, or bare statuses) as WharfErrors worded as Docker words them.
import { WharfError, NotFoundError } from '../../errors.ts';
import type { HttpResponse } from './http-transport.ts';

/** What the registry said went wrong; `code` is the spec's (`MANIFEST_UNKNOWN`), `status` the HTTP status. */
export class RegistryError extends WharfError {
  readonly status: number;
  readonly code: string;

  constructor(message: string, details: { status: number; code: string; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
  }
}

export class RegistryNotFoundError extends NotFoundError {}

/** The registry asked for a password and none is stored: Go's auth transport fails the request itself, so the text names it. */
export class MissingCredentialsError extends WharfError {}

interface ErrorBody {
  errors?: Array<{ code?: string; message?: string }>;
}

const ERROR_BODY_LIMIT = 64 << 10;

/** `manifest unknown: manifest unknown`, as go's errcode prints an error; several are joined as Docker joins them. */
export async function describeFailure(response: HttpResponse): Promise<{ text: string; code: string }> {
  const body = await response.text(ERROR_BODY_LIMIT).catch(() => '');
  let parsed: ErrorBody | undefined;
  try {
    parsed = JSON.parse(body) as ErrorBody;
  } catch {
    parsed = undefined;
  }
  const errors = (parsed?.errors ?? []).filter((error) => typeof error?.code === 'string');
  if (errors.length === 0) return { text: statusText(response.status), code: `HTTP_${response.status}` };
  const text = errors.map((error) => `${error.code!.toLowerCase().replaceAll('_', ' ')}: ${error.message ?? ''}`.trim()).join(', ');
  return { text, code: errors[0].code! };
}

function statusText(status: number): string {
  if (status === 401) return 'unauthorized: authentication required';
  if (status === 403) return 'denied: requested access to the resource is denied';
  if (status === 404) return 'not found';
  if (status === 429) return 'toomanyrequests: too many requests';
  return `received unexpected HTTP status: ${status} ${httpStatusName(status)}`.trim();
}

function httpStatusName(status: number): string {
  return process.getBuiltinModule('node:http').STATUS_CODES[status] ?? '';
}
