// `wharf serve` driven by Docker's Python SDK (docker-py, Debian's python3-docker): images, containers, exec, archives, builds, volumes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ok } from '../helpers/cli-fixtures.ts';
import { dockerSdk } from '../helpers/docker-sdk.ts';
import { busyboxApi } from '../helpers/engine-api.ts';

async function sdkOverBusybox(t: Parameters<typeof busyboxApi>[0]) {
  const served = await busyboxApi(t);
  if (!served) return undefined;
  const sdk = await dockerSdk(t, served.api.socket);
  return sdk && { ...served, sdk };
}

describe('wharf serve (Engine API) and Docker\'s Python SDK', () => {
  it('negotiates, lists, inspects, tags, saves, builds and removes images', async (t) => {
    const served = await sdkOverBusybox(t);
    if (!served) return;
    const { wharf, sdk } = served;
    const id = ok(await wharf.run(['images', '--no-trunc', '-q', 'busybox'])).stdout.trim();
    const seen = await sdk(`
image = c.images.get('busybox')
image.tag('sdk/bb', 'v1')
built, logs = c.images.build(fileobj=io.BytesIO(b'FROM busybox\\nRUN echo built > /b\\nCMD ["cat", "/b"]\\n'), tag='sdk/built:v1', rm=True)
result = {
  'ping': c.ping(), 'api': c.version()['ApiVersion'], 'id': image.id, 'history': len(image.history()),
  'tags': sorted(tag for i in c.images.list() for tag in i.tags),
  'saved': sum(len(chunk) for chunk in image.save()) > 0,
  'built': c.containers.run('sdk/built:v1', remove=True).decode(), 'steps': ''.join(line.get('stream', '') for line in logs),
}
c.images.remove('sdk/bb:v1')
result['after'] = sorted(tag for i in c.images.list() for tag in i.tags)
`) as Record<string, unknown>;
    assert.deepEqual({ ...seen, steps: undefined }, {
      ping: true, api: '1.47', id, history: 3, tags: ['busybox:latest', 'sdk/bb:v1', 'sdk/built:v1'], saved: true, built: 'built\n', steps: undefined, after: ['busybox:latest', 'sdk/built:v1'],
    });
    assert.match(seen.steps as string, /RUN echo built > \/b/);
  });

  it('runs containers attached and detached, with ports, env and labels; logs, exec (demuxed, with a TTY), top, stop, wait, remove', async (t) => {
    const served = await sdkOverBusybox(t);
    if (!served) return;
    const { wharf, sdk } = served;
    const seen = await sdk(`
box = c.containers.run('busybox', ['sh', '-c', 'echo started; exec sleep 300'], detach=True, name='sdkbox', ports={'80/tcp': None}, environment={'A': '1'}, labels={'team': 'sdk'})
import time
while b'started' not in box.logs(): time.sleep(0.05)
box.reload()
exec_plain = box.exec_run(['sh', '-c', 'echo $A; exit 3'])
exec_split = box.exec_run(['sh', '-c', 'echo o; echo e >&2'], demux=True)
exec_tty = box.exec_run(['tty'], tty=True)
result = {
  'attached': c.containers.run('busybox', ['sh', '-c', 'echo out; echo err >&2'], stderr=True, remove=True).decode(),
  'entrypoint': c.containers.run('busybox', ['echo words'], entrypoint=['sh', '-c'], remove=True).decode(),
  'status': box.status, 'port': list(box.attrs['NetworkSettings']['Ports'].keys()),
  'listed': [x.name for x in c.containers.list(filters={'label': 'team=sdk'})],
  'exec': [exec_plain.exit_code, exec_plain.output.decode()],
  'split': [exec_split.exit_code, exec_split.output[0].decode(), exec_split.output[1].decode()],
  'tty': exec_tty.output.decode(),
  'top': box.top()['Processes'][0][-1],
}
box.stop(timeout=0)
result['wait'] = box.wait()['StatusCode']
box.remove()
result['left'] = [x.name for x in c.containers.list(all=True)]
`);
    assert.deepEqual(seen, {
      attached: 'out\nerr\n', entrypoint: 'words\n', status: 'running', port: ['80/tcp'], listed: ['sdkbox'], exec: [3, '1\n'], split: [0, 'o\n', 'e\n'], tty: '/dev/pts/0\r\n', top: 'sleep 300', wait: 137, left: [],
    });
    assert.equal(ok(await wharf.run(['ps', '-a', '-q'])).stdout, '');
  });

  it('copies into and out of a container, commits it, and makes, lists and removes volumes', async (t) => {
    const served = await sdkOverBusybox(t);
    if (!served) return;
    const { wharf, sdk } = served;
    const seen = await sdk(`
import tarfile
box = c.containers.run('busybox', ['sleep', '300'], detach=True, name='files')
packed = io.BytesIO()
with tarfile.open(fileobj=packed, mode='w') as tar:
  info = tarfile.TarInfo('hello.txt'); data = b'hello\\n'; info.size = len(data); tar.addfile(info, io.BytesIO(data))
put = box.put_archive('/tmp', packed.getvalue())
stream, stat = box.get_archive('/tmp/hello.txt')
back = tarfile.open(fileobj=io.BytesIO(b''.join(stream))).extractfile('hello.txt').read().decode()
changes = sorted((change['Path'], change['Kind']) for change in box.diff())
committed = box.commit('sdk/committed', 'v1', changes=['CMD ["cat", "/tmp/hello.txt"]'])
box.remove(force=True)
c.volumes.create('sdkvol', labels={'team': 'sdk'})
volumes = [v.name for v in c.volumes.list(filters={'label': 'team=sdk'})]
c.volumes.get('sdkvol').remove()
result = {
  'put': put, 'stat': [stat['name'], stat['size']], 'back': back, 'diff': changes,
  'committed': c.containers.run(committed.id, remove=True).decode(),
  'volumes': volumes, 'after': [v.name for v in c.volumes.list()],
  'networks': sorted(n.name for n in c.networks.list()),
}
`);
    assert.deepEqual(seen, {
      put: true, stat: ['hello.txt', 6], back: 'hello\n', diff: [['/tmp', 0], ['/tmp/hello.txt', 1]], committed: 'hello\n', volumes: ['sdkvol'], after: [], networks: ['bridge', 'host', 'none'],
    });
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, '');
  });
});
