// system df beside real Docker once containers and volumes exist: the summary's rows, the -v sections for containers and volumes, and ps's command text; and the build cache row.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { busyboxPair, busyboxWharf } from '../helpers/busybox-wharf.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import type { RunResult } from '../helpers/run-command.ts';
import { tempDir } from '../helpers/wharf-cli.ts';

/** The same commands on both sides; -d containers are removed after the test. */
const SCENARIO = [
  ['run', '--network', 'none', '--name', 'c1', '-v', 'vol1:/data', 'busybox', 'sh', '-c', 'echo hi > /data/x; echo abc > /f'],
  ['run', '-d', '--network', 'none', '--name', 'c2', 'busybox', 'sleep', '300'],
  ['volume', 'create', 'vol2'],
];

/** A -v section's rows, columns split where the table pads them; the times (CREATED, STATUS) vary and are left out. */
function section(output: string, title: string, keep: number[]): string[][] {
  const body = output.split(`${title}\n\n`)[1].split('\n\n')[0];
  return body.split('\n').slice(1).map((line) => line.split(/ {2,}/)).map((columns) => keep.map((index) => columns[index]));
}

describe('system df with containers, volumes and build cache', () => {
  it('gives the summary and the -v sections real Docker gives, and ps quotes arguments with spaces as Docker does', async (t) => {
    const pair = await busyboxPair(t);
    if (!pair) return;
    const { wharf, docker } = pair;
    const both = async (args: string[]): Promise<[RunResult, RunResult]> => [ok(await wharf.run(args)), ok(await docker.docker(args))];
    for (const step of SCENARIO) await both(step);
    // wharf's c2 goes with makeWharf's cleanup, before its data root; an after-hook here would run once the root is gone
    t.after(async () => void (await docker.docker(['rm', '-f', 'c2'])));
    const [ours, theirs] = await both(['system', 'df']);
    assert.equal(ours.stdout, theirs.stdout);
    const [ourVerbose, theirVerbose] = await both(['system', 'df', '-v']);
    // ID, IMAGE, COMMAND, LOCAL VOLUMES, SIZE, NAMES
    assert.deepEqual(section(ourVerbose.stdout, 'Containers space usage:', [1, 2, 3, 4, 7]), section(theirVerbose.stdout, 'Containers space usage:', [1, 2, 3, 4, 7]));
    // Docker lists volumes from a Go map, so its order changes from run to run: compare them sorted.
    const volumes = (output: string) => section(output, 'Local Volumes space usage:', [0, 1, 2]).sort((a, b) => a[0].localeCompare(b[0]));
    assert.deepEqual(volumes(ourVerbose.stdout), volumes(theirVerbose.stdout));
    const [ourCommands, theirCommands] = await both(['ps', '-a', '--no-trunc', '--format', '{{.Names}} {{.Command}}']);
    assert.equal(ourCommands.stdout, theirCommands.stdout);
  });

  it('counts RUN --mount=type=cache directories as build cache, reclaimable once no build uses them', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = tempDir(t);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=cache,target=/cache head -c 3000 /dev/zero > /cache/blob\n');
    ok(await wharf.run(['build', '-q', dir]));
    const row = ok(await wharf.run(['system', 'df', '--format', '{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}'])).stdout.split('\n').find((line) => line.startsWith('Build Cache'));
    assert.equal(row, 'Build Cache|1|0|3kB|3kB');
    const verbose = ok(await wharf.run(['system', 'df', '-v'])).stdout;
    assert.match(verbose, /Build cache usage: 3kB\n\nCACHE ID +CACHE TYPE +SIZE +CREATED +LAST USED +USAGE +SHARED\n[0-9a-f]{25} +exec\.cachemount +3kB +/);
  });
});
