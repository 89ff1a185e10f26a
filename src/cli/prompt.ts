// Asks a question on the terminal and reads one line of answer, with or without echo (passwords).
import type { CliContext } from './context.ts';

type TtyInput = CliContext['stdin'] & { setRawMode?: (raw: boolean) => unknown };

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u007f', '\b']);

/** One line typed after `question` (written to stdout), without its newline; Ctrl-C exits as a shell expects (130). */
export async function promptLine(context: CliContext, question: string, options: { echo: boolean }): Promise<string> {
  const input = context.stdin as TtyInput;
  const hidden = !options.echo && typeof input.setRawMode === 'function';
  // Raw mode turns the terminal's echo off; characters then arrive one by one and the line is assembled here.
  // It goes on before the question shows, or an answer typed (or pasted) at once would be echoed.
  if (hidden) input.setRawMode!(true);
  context.out(question);
  try {
    return await readLine(input, { raw: hidden });
  } finally {
    if (hidden) input.setRawMode!(false);
    input.pause();
  }
}

function readLine(input: TtyInput, options: { raw: boolean }): Promise<string> {
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', finish);
      if (error) reject(error);
      else resolve(line);
    };
    const onEnd = () => finish();
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\n' || char === '\r') return finish();
        if (options.raw && char === CTRL_C) {
          input.setRawMode?.(false);
          process.stdout.write('\n');
          process.exit(130);
        }
        if (options.raw && char === CTRL_D) return finish();
        if (options.raw && BACKSPACES.has(char)) line = [...line].slice(0, -1).join('');
        else line += char;
      }
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', finish);
    input.resume();
  });
}
