// Resolves `-u user[:group]` through the image's /etc/passwd and /etc/group, as runc's libcontainer/user does for Docker.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WharfError } from '../../errors.ts';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** The passwd entry's home, for HOME when the environment does not set it. */
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const NUMERIC = /^\d+$/;

export function resolveUser(rootfs: string, user: string): ResolvedUser {
  const [userPart, groupPart] = splitUser(user);
  const passwd = readDatabase(rootfs, 'passwd').map(parsePasswd).filter((entry) => entry !== undefined);
  const groups = readDatabase(rootfs, 'group').map(parseGroup).filter((entry) => entry !== undefined);
  const entry = passwd.find((candidate) => candidate.name === userPart || (NUMERIC.test(userPart) && candidate.uid === Number(userPart)));
  if (!entry && !NUMERIC.test(userPart)) throw new WharfError(`unable to find user ${userPart}: no matching entries in passwd file`, { exitCode: 125 });
  const uid = entry?.uid ?? Number(userPart);
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined) {
    const group = groups.find((candidate) => candidate.name === groupPart || (NUMERIC.test(groupPart) && candidate.gid === Number(groupPart)));
    if (!group && !NUMERIC.test(groupPart)) throw new WharfError(`unable to find group ${groupPart}: no matching entries in group file`, { exitCode: 125 });
    gid = group?.gid ?? Number(groupPart);
  }
  // an explicit group replaces the supplementary ones, as libcontainer does; the primary group is always one of them, as
  // moby has made it since 20.10.18 (CVE-2022-36109), so `id` shows `groups=<gid>` as in Docker
  const members = groupPart === undefined && entry ? groups.filter((group) => group.members.includes(entry.name) && group.gid !== gid).map((group) => group.gid) : [];
  const additionalGids = [gid, ...members];
  return { uid, gid, additionalGids, home: entry?.home ?? '/' };
}

/** No user means uid 0, looked up by number, so an image without /etc/passwd (FROM scratch) still runs, as with runc's defaults. */
function splitUser(user: string): [string, string | undefined] {
  const colon = user.indexOf(':');
  return colon < 0 ? [user || '0', undefined] : [user.slice(0, colon) || '0', user.slice(colon + 1)];
}

/** The file's lines; a missing file, or one that is not a plain file (a symlink could point at the host's), reads as empty. */
function readDatabase(rootfs: string, name: 'passwd' | 'group'): string[] {
  const file = join(rootfs, 'etc', name);
  try {
    if (!lstatSync(file).isFile()) return [];
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}

function parsePasswd(line: string): PasswdEntry | undefined {
  const fields = line.split(':');
  if (fields.length < 7 || !NUMERIC.test(fields[2]) || !NUMERIC.test(fields[3])) return undefined;
  return { name: fields[0], uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] || '/' };
}

function parseGroup(line: string): GroupEntry | undefined {
  const fields = line.split(':');
  if (fields.length < 4 || !NUMERIC.test(fields[2])) return undefined;
  return { name: fields[0], gid: Number(fields[2]), members: fields[3].split(',').filter(Boolean) };
}
