// Docker's JSON message stream (pull, push, build, import): one JSON object per line, the status line sent with the first.
import type { ServerResponse } from 'node:http';

/** Any JSON object: a progress line, `{"stream": …}`, `{"aux": …}`. */
export type SendMessage = (message: object) => void;

/**
 * Runs `work`, answering with its messages. As dockerd does, the status line goes out with the first message, so an
 * error before it (no such image, a dead registry) is an error response, and one after it the stream's last message,
 * `{"error", "errorDetail"}`, which the docker CLI prints and exits on with the detail's code (`codeOf`), else 1.
 */
export async function answerWithMessages(response: ServerResponse, work: (send: SendMessage) => Promise<unknown>, codeOf: (error: unknown) => number | undefined = () => undefined): Promise<void> {
  const send: SendMessage = (message) => {
    if (!response.headersSent) response.writeHead(200, { 'Content-Type': 'application/json' });
    response.write(`${JSON.stringify(message)}\n`);
  };
  try {
    await work(send);
  } catch (error) {
    if (!response.headersSent) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const code = codeOf(error);
    send({ error: message, errorDetail: { message, ...(code === undefined ? {} : { code }) } });
  }
  response.end();
}
