// Runs a program to completion without a TTY, collecting its output, and finds programs on PATH.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  /** Written to stdin, which is then closed; stdin is always a pipe, never a terminal. */
  input?: Buffer | string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kills the program and rejects after this long (default 5 minutes), so a hang fails the test. */
  timeoutMs?: number;
}

export function runCommand(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { input, env = process.env, cwd, timeoutMs = 300_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // a program that exits without reading its input must not fail the run with EPIPE
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs);
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString();
      if (timedOut) return reject(new Error(`${file} ${args.join(' ')} timed out after ${timeoutMs} ms\n${err}`));
      resolve({ stdout: Buffer.concat(stdout).toString(), stderr: err, code: code ?? 128 + signalNumber(signal) });
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (osConstants.signals[signal] ?? 0) : 0;
}

/** The full path of a program on PATH, or undefined. */
export function which(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
