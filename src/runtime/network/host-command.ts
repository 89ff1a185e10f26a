// Runs the host's network tools (ip, iptables, iptables-restore, sysctl writes) and reports their failures with their own words.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { WharfError } from '../../errors.ts';

export interface HostCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; `input` is written to its stdin (for `ip -batch -` and `iptables-restore`). */
export function runHostCommand(program: string, args: string[], options: { input?: string } = {}): Promise<HostCommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }));
  });
}

/** Like runHostCommand, but a non-zero exit is an error naming the command and what it printed. */
export async function mustRun(program: string, args: string[], options: { input?: string } = {}): Promise<string> {
  const result = await runHostCommand(program, args, options);
  if (result.code !== 0) {
    const said = (result.stderr || result.stdout).trim().split('\n')[0];
    throw new WharfError(`${program} ${args.join(' ')}: ${said || `exit status ${result.code}`}`);
  }
  return result.stdout;
}

/** Sets a sysctl under /proc/sys (`net.ipv4.conf.wharf0.route_localnet`); dots in interface names are not expected. */
export async function setSysctl(key: string, value: string): Promise<void> {
  await writeFile(`/proc/sys/${key.replaceAll('.', '/')}`, value);
}
