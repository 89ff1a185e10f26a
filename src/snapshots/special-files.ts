// Creates what Node's fs cannot: device nodes, FIFOs, overlay whiteouts (mknod) and extended attributes (setfattr), in one shell per batch.
import { spawn } from 'node:child_process';
import { SystemError } from '../errors.ts';

export type SpecialOp =
  | { op: 'mknod'; path: string; kind: 'char' | 'block' | 'fifo'; mode: number; major: number; minor: number; uid: number; gid: number; mtime: number }
  | { op: 'whiteout'; path: string }
  | { op: 'link'; path: string; target: string }
  | { op: 'xattr'; path: string; name: string; value: string };

/** Ops arrive as positional arguments, so no path is ever parsed by the shell; none follows a symlink at the path it changes. */
const SCRIPT = `set -e
while [ $# -gt 0 ]; do
  case $1 in
  mknod)
    if [ "$3" = p ]; then mknod -m "$4" -- "$2" p; else mknod -m "$4" -- "$2" "$3" "$5" "$6"; fi
    chown -h "$7:$8" -- "$2"; chmod "$4" -- "$2"; touch -h -d "@$9" -- "$2"; shift 9;;
  whiteout) mknod -m 0 -- "$2" c 0 0; shift 2;;
  link) ln -P -- "$3" "$2"; shift 3;;
  xattr) setfattr -h -n "$3" -v "$4" -- "$2"; shift 4;;
  esac
done`;

/** Well under ARG_MAX even for long paths. */
const OPS_PER_SHELL = 1000;
const KIND_LETTER = { char: 'c', block: 'b', fifo: 'p' } as const;

export async function applySpecialOps(ops: SpecialOp[]): Promise<void> {
  for (let start = 0; start < ops.length; start += OPS_PER_SHELL) await runShell(ops.slice(start, start + OPS_PER_SHELL).flatMap(toArgs));
}

function toArgs(op: SpecialOp): string[] {
  switch (op.op) {
    case 'mknod':
      return ['mknod', op.path, KIND_LETTER[op.kind], op.mode.toString(8), String(op.major), String(op.minor), String(op.uid), String(op.gid), String(op.mtime)];
    case 'whiteout':
      return ['whiteout', op.path];
    case 'link':
      return ['link', op.path, op.target];
    case 'xattr':
      // setfattr's 0s prefix: the value in base64, so any bytes pass
      return ['xattr', op.path, op.name, `0s${Buffer.from(op.value).toString('base64')}`];
  }
}

async function runShell(args: string[]): Promise<void> {
  const child = spawn('sh', ['-c', SCRIPT, 'wharf-special-files', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (error) => reject(new SystemError(`cannot create device files or extended attributes: sh: ${error.message}`, { cause: error })));
    child.on('close', resolve);
  });
  if (code !== 0) {
    const lastLine = Buffer.concat(stderr).toString().trim().split('\n').at(-1) || `exit code ${code}`;
    throw new SystemError(`failed to create a device file or extended attribute: ${lastLine}`);
  }
}
