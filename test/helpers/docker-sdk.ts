// Docker's Python SDK (Debian's python3-docker) as a peer client of `wharf serve`: runs a snippet with a client `c` and returns its `result`.
import type { TestContext } from 'node:test';
import { needPeers } from './peers.ts';
import { runCommand } from './run-command.ts';

const PRELUDE = `
import docker, io, json, sys
c = docker.DockerClient(base_url=sys.argv[1], version='auto')
result = None
`;
const EPILOGUE = '\nprint(json.dumps(result, default=str))\n';

export type DockerSdk = (snippet: string) => Promise<unknown>;

/** The first Python that has the docker module: the one on PATH, or Debian's, where `.ci/run` installs python3-docker. */
async function pythonWithSdk(): Promise<string | undefined> {
  for (const python of ['python3', '/usr/bin/python3']) {
    if ((await runCommand(python, ['-c', 'import docker']).catch(() => undefined))?.code === 0) return python;
  }
  return undefined;
}

/** undefined (the test skipped) without python3 and its docker module; in CI their absence fails the test. */
export async function dockerSdk(t: Pick<TestContext, 'skip'>, socket: string): Promise<DockerSdk | undefined> {
  if (!needPeers(t, 'python3')) return undefined;
  const python = await pythonWithSdk();
  if (!python) {
    if (process.env.CI) throw new Error('peer not installed: python3-docker (required in CI)');
    return void t.skip('peer not installed: python3-docker');
  }
  return async (snippet) => {
    const run = await runCommand(python, ['-c', PRELUDE + snippet + EPILOGUE, `unix://${socket}`]);
    if (run.code !== 0) throw new Error(`the SDK snippet failed (${run.code}): ${run.stderr}`);
    return JSON.parse(run.stdout) as unknown;
  };
}
