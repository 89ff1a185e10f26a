// A separate process that attaches one container to the bridge and prints the attachment as JSON: for tests of concurrent wharf processes.
import { attachNetwork } from '../../src/runtime/network/attach.ts';
import { openStore } from '../../src/store/store.ts';

const [root, containerDir, containerId] = process.argv.slice(2);
const attachment = await attachNetwork(await openStore(root), containerDir, { containerId, mode: 'bridge', hostname: containerId.slice(0, 12), publish: [], publishAll: false, exposedPorts: [] });
process.stdout.write(`${JSON.stringify(attachment)}\n`);
