// `wharf update` and the Engine API's update: a container's restart policy, memory, CPUs and pids limit, changed in its record and, while it runs, in its cgroup and in what its monitor does at the next exit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxApi } from '../helpers/engine-api.ts';

describe('wharf update', () => {
  it('changes a running container\'s limits in its cgroup and record, and its restart policy for the next exit', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    ok(await wharf.run(['run', '-d', '--name', 'limited', '--network', 'none', 'busybox', 'sleep', '300']));
    const since = (Date.now() / 1000).toFixed(3);
    assert.deepEqual(await wharf.run(['update', '-m', '64m', '--cpus', '0.5', '--pids-limit', '50', 'limited']), { code: 0, stdout: 'limited\n', stderr: '' });
    const until = (Date.now() / 1000 + 1).toFixed(3);
    assert.equal(ok(await wharf.run(['events', '--since', since, '--until', until, '--filter', 'event=update', '--format', '{{.Action}} {{.Actor.Attributes.name}}'])).stdout, 'update limited\n', "dockerd's update event");
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}', 'limited'])).stdout, '67108864 500000000 50\n');
    const cgroup = ok(await wharf.run(['exec', 'limited', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/pids/pids.max', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us'])).stdout;
    assert.equal(cgroup, '67108864\n50\n50000\n', 'the running container\'s cgroup has the new limits');

    // started with no restart policy, it is restarted after the update as on-failure:2 says: twice, then left exited
    ok(await wharf.run(['run', '-d', '--name', 'flaky', '--network', 'none', 'busybox', 'sh', '-c', 'sleep 1; exit 3']));
    ok(await wharf.run(['container', 'update', '--restart', 'on-failure:2', 'flaky']));
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{json .HostConfig.RestartPolicy}}', 'flaky'])).stdout, '{"Name":"on-failure","MaximumRetryCount":2}\n');
    await eventually(async () => {
      const state = ok(await wharf.run(['inspect', '-f', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', 'flaky'])).stdout;
      return state === 'exited 2 3\n' ? state : undefined;
    }, 'two restarts, then exited');

    const none = await wharf.run(['update', 'limited']);
    assert.deepEqual([none.code, none.stderr], [1, 'you must provide one or more flags when using this command\n']);
    ok(await wharf.run(['run', '-d', '--rm', '--name', 'passing', '--network', 'none', 'busybox', 'sleep', '300']));
    const refused = await wharf.run(['update', '--restart', 'always', 'passing', 'nope']);
    assert.deepEqual([refused.code, refused.stdout, refused.stderr], [1, '', 'Error response from daemon: Restart policy cannot be updated because AutoRemove is enabled for the container\nError response from daemon: No such container: nope\n']);
    assert.equal((await wharf.run(['update', '--restart', 'sometimes', 'limited'])).stderr, "invalid restart policy 'sometimes'\n");
  });

  it('serves docker update through wharf serve', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { api } = served;
    ok(await api.docker(['run', '-d', '--name', 'web', 'busybox', 'sleep', '300']));
    assert.equal(ok(await api.docker(['update', '--restart', 'unless-stopped', '--memory', '32m', 'web'])).stdout, 'web\n');
    assert.equal(ok(await api.docker(['inspect', '-f', '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Memory}}', 'web'])).stdout, 'unless-stopped 33554432\n');
    assert.equal(ok(await api.docker(['exec', 'web', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes'])).stdout, '33554432\n');
  });
});
