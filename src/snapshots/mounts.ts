// Mounting and unmounting through util-linux's mount(8) and umount(8), and whether a path is a mount point now.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SystemError } from '../errors.ts';

export async function mountCommand(args: string[], options: { cwd?: string } = {}): Promise<void> {
  await run('mount', args, options.cwd);
}

/** Lazily (MNT_DETACH), so a process still inside (a `cp`, a shell) never keeps a stopped container's root mounted. */
export async function unmount(path: string): Promise<void> {
  if (isMountPoint(path)) await run('umount', ['-l', path]);
}

export function isMountPoint(path: string): boolean {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  // field 5 is the mount point, with spaces and other specials escaped as octal
  const escaped = path.replace(/[ \t\n\\]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return mountinfo.split('\n').some((line) => line.split(' ')[4] === escaped);
}

function run(program: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new SystemError(`${program}: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new SystemError(`${program} ${args.at(-1)}: ${Buffer.concat(stderr).toString().trim() || `exit code ${code}`}`));
    });
  });
}
