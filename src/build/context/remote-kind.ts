// Which remote a build source names, if any: decided without loading what fetches it (remote-context.ts, with child_process).

export type RemoteKind = 'git' | 'url';

/** Docker's order: Git forms first (its urlutil.IsGitURL), then any http(s) URL. */
export function remoteKind(source: string): RemoteKind | undefined {
  if (/^(git@|git:\/\/|github\.com\/)/.test(source)) return 'git';
  if (/^https?:\/\/[^#]*\.git(#.*)?$/.test(source)) return 'git';
  if (/^https?:\/\//.test(source)) return 'url';
  return undefined;
}
