// Healthchecks: the monitor runs the check in the running container and records State.Health; ps, inspect, the health
// filter, events, an image's HEALTHCHECK turned off with --no-healthcheck, and the Engine API through the docker CLI.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxApi } from '../helpers/engine-api.ts';
import { tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const now = () => (Date.now() / 1000).toFixed(3);
const inspect = async (wharf: Wharf, format: string, id: string) => ok(await wharf.run(['inspect', '-f', format, id])).stdout.trim();
/** Polls inspect until the format gives `wanted`. */
const until = (wharf: Wharf, format: string, id: string, wanted: string) =>
  eventually(async () => ((await inspect(wharf, format, id)) === wanted ? wanted : undefined), `${format} of ${id} is ${wanted}`);

describe('healthchecks', () => {
  it('turns a failing check unhealthy after its retries, healthy once it passes, in inspect, ps, the health filter and events', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const since = now();
    const flags = ['--health-cmd', 'test -e /tmp/ok && echo fine', '--health-interval', '200ms', '--health-retries', '2'];
    ok(await wharf.run(['run', '-d', '--name', 'web', '--network', 'none', ...flags, 'busybox', 'sleep', '300']));
    ok(await wharf.run(['run', '-d', '--name', 'plain', '--network', 'none', 'busybox', 'sleep', '300']));
    assert.deepEqual(JSON.parse(await inspect(wharf, '{{json .Config.Healthcheck}}', 'web')), { Test: ['CMD-SHELL', 'test -e /tmp/ok && echo fine'], Interval: 200e6, Retries: 2 });
    assert.equal(await inspect(wharf, '{{json .State.Health}}', 'plain'), 'null', 'no healthcheck, no State.Health');

    await until(wharf, '{{.State.Health.Status}} {{.State.Health.FailingStreak}}', 'web', 'unhealthy 2');
    assert.match(ok(await wharf.run(['ps', '--filter', 'name=^web$', '--format', '{{.Status}}'])).stdout, /^Up .* \(unhealthy\)\n$/);
    assert.equal(ok(await wharf.run(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}'])).stdout, 'web\n');
    assert.equal(ok(await wharf.run(['ps', '--filter', 'health=none', '--format', '{{.Names}}'])).stdout, 'plain\n');
    const failed = JSON.parse(await inspect(wharf, '{{json .State.Health.Log}}', 'web')) as Array<Record<string, unknown>>;
    assert.ok(failed.length >= 2 && failed.length <= 5, `${failed.length} log entries`);
    assert.deepEqual(Object.keys(failed[0]).sort(), ['End', 'ExitCode', 'Output', 'Start']);
    assert.deepEqual(failed.map((entry) => [entry.ExitCode, entry.Output]), failed.map(() => [1, '']));
    assert.ok(Date.parse(String(failed[0].End)) >= Date.parse(String(failed[0].Start)));

    ok(await wharf.run(['exec', 'web', 'touch', '/tmp/ok']));
    await until(wharf, '{{.State.Health.Status}} {{.State.Health.FailingStreak}}', 'web', 'healthy 0');
    const log = JSON.parse(await inspect(wharf, '{{json .State.Health.Log}}', 'web')) as Array<Record<string, unknown>>;
    assert.deepEqual([log.at(-1)?.ExitCode, log.at(-1)?.Output], [0, 'fine\n']);
    // the log keeps the last 5 checks
    await eventually(async () => ((JSON.parse(await inspect(wharf, '{{json .State.Health.Log}}', 'web')) as unknown[]).every((entry) => (entry as { ExitCode: number }).ExitCode === 0) ? true : undefined), 'five passing checks');
    assert.equal(JSON.parse(await inspect(wharf, '{{json .State.Health.Log}}', 'web')).length, 5);
    assert.match(ok(await wharf.run(['ps', '--filter', 'name=^web$', '--format', '{{.Status}}'])).stdout, /^Up .* \(healthy\)\n$/);
    assert.equal(ok(await wharf.run(['ps', '--filter', 'health=healthy', '--format', '{{.Names}}'])).stdout, 'web\n');
    assert.equal(ok(await wharf.run(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}'])).stdout, '');
    assert.match((await wharf.run(['ps', '--filter', 'health=sick'])).stderr, /Unrecognised filter value for health: sick/);

    const events = ok(await wharf.run(['events', '--since', since, '--until', now(), '--filter', 'container=web', '--format', '{{.Action}}'])).stdout.split('\n').filter((action) => action.startsWith('health_status'));
    assert.deepEqual(events, ['health_status: unhealthy', 'health_status: healthy']);

    // a stopped container keeps its last health, as dockerd's does, and a new start begins again at starting
    ok(await wharf.run(['stop', '-t', '0', 'web']));
    assert.equal(await inspect(wharf, '{{.State.Status}} {{.State.Health.Status}}', 'web'), 'exited healthy');
    ok(await wharf.run(['start', 'web']));
    assert.match(ok(await wharf.run(['ps', '--filter', 'name=^web$', '--format', '{{.Status}}'])).stdout, /^Up .* \(health: starting\)\n$/);
    assert.equal(ok(await wharf.run(['ps', '--filter', 'health=starting', '--format', '{{.Names}}'])).stdout, 'web\n');
  });

  it('checks every start interval while starting within its start period, then every interval: flags and HEALTHCHECK alike', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = join(tempDir(t), 'ctx');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nHEALTHCHECK --interval=1h --start-period=1h --start-interval=200ms CMD true\n');
    ok(await wharf.run(['build', '-q', '-t', 'quickly-checked', dir]));
    const expected = { Test: ['CMD-SHELL', 'true'], Interval: 3600e9, Timeout: 0, StartPeriod: 3600e9, StartInterval: 200e6, Retries: 0 };
    assert.deepEqual(JSON.parse(ok(await wharf.run(['image', 'inspect', '-f', '{{json .Config.Healthcheck}}', 'quickly-checked'])).stdout), expected);
    const flags = ['--health-cmd', 'true', '--health-interval', '1h', '--health-start-period', '1h', '--health-start-interval', '200ms'];
    ok(await wharf.run(['run', '-d', '--name', 'flagged', '--network', 'none', ...flags, 'busybox', 'sleep', '300']));
    ok(await wharf.run(['run', '-d', '--name', 'built', '--network', 'none', 'quickly-checked', 'sleep', '300']));
    assert.deepEqual(JSON.parse(await inspect(wharf, '{{json .Config.Healthcheck}}', 'flagged')), { Test: ['CMD-SHELL', 'true'], Interval: 3600e9, StartPeriod: 3600e9, StartInterval: 200e6 });
    // an hour's interval would leave them starting: the start interval's first check makes each healthy
    for (const name of ['flagged', 'built']) await until(wharf, '{{.State.Health.Status}}', name, 'healthy');
    // healthy, they are checked at the interval: no second check comes a start interval later
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const name of ['flagged', 'built']) assert.equal(await inspect(wharf, '{{len .State.Health.Log}}', name), '1', name);
  });

  it('kills a check past its timeout, and --no-healthcheck turns off an image\'s HEALTHCHECK', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = join(tempDir(t), 'context');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nHEALTHCHECK --interval=1s --timeout=300ms --retries=1 CMD ["sleep", "5"]\n');
    ok(await wharf.run(['build', '-t', 'checked', dir]));
    ok(await wharf.run(['run', '-d', '--name', 'slow', '--network', 'none', '--health-interval', '100ms', 'checked', 'sleep', '300']));
    // the user's interval over the image's, the rest the image's
    assert.deepEqual(JSON.parse(await inspect(wharf, '{{json .Config.Healthcheck}}', 'slow')), { Test: ['CMD', 'sleep', '5'], Interval: 100e6, Timeout: 300e6, Retries: 1 });
    await until(wharf, '{{.State.Health.Status}}', 'slow', 'unhealthy');
    const [first] = JSON.parse(await inspect(wharf, '{{json .State.Health.Log}}', 'slow')) as Array<{ ExitCode: number; Output: string; Start: string; End: string }>;
    assert.deepEqual([first.ExitCode, first.Output], [-1, 'Health check exceeded timeout (300ms)']);
    assert.ok(Date.parse(first.End) - Date.parse(first.Start) < 3000, 'killed, not waited for');

    ok(await wharf.run(['run', '-d', '--name', 'off', '--network', 'none', '--no-healthcheck', 'checked', 'sleep', '300']));
    // dockerd merges the other fields from the image's still
    assert.deepEqual(JSON.parse(await inspect(wharf, '{{json .Config.Healthcheck}}', 'off')), { Test: ['NONE'], Interval: 1e9, Timeout: 300e6, Retries: 1 });
    assert.match(ok(await wharf.run(['ps', '--filter', 'name=off', '--format', '{{.Status}}'])).stdout, /^Up [^(]*\n$/);
    assert.equal(await inspect(wharf, '{{json .State.Health}}', 'off'), 'null');
    const conflict = await wharf.run(['run', '--no-healthcheck', '--health-retries', '1', 'checked']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /--no-healthcheck conflicts with --health-\* options/);
  });

  it('runs the Engine API\'s Healthcheck from docker run', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { api } = served;
    ok(await api.docker(['run', '-d', '--name', 'api', '--network', 'none', '--health-cmd', 'true', '--health-interval', '200ms', 'busybox', 'sleep', '300']));
    const status = await eventually(async () => {
      const health = ok(await api.docker(['inspect', '-f', '{{.State.Health.Status}}', 'api'])).stdout.trim();
      return health === 'healthy' ? health : undefined;
    }, 'healthy through the API');
    assert.equal(status, 'healthy');
    assert.match(ok(await api.docker(['ps', '--format', '{{.Status}}'])).stdout, /^Up .* \(healthy\)\n$/);
  });
});
