// `wharf info`: the engine's facts in Docker's layout (counts, storage, data root, runtime platform).
import os from 'node:os';
import type { CliContext } from '../context.ts';
import { parseFlags } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  parseFlags(args, {}, path);
  const store = await context.store();
  const images = Number(store.db.get('SELECT COUNT(*) AS n FROM images')?.n ?? 0);
  context.out(
    `Client:\n Context:    default\n Debug Mode: false\n\nServer:\n Containers: 0\n  Running: 0\n  Paused: 0\n  Stopped: 0\n Images: ${images}\n` +
      ` Server Version: wharf (daemonless)\n Storage Driver: overlay2\n Metadata: sqlite (WAL)\n Kernel Version: ${os.release()}\n` +
      ` Operating System: ${os.type()}\n OSType: linux\n Architecture: ${os.machine()}\n CPUs: ${os.cpus().length}\n` +
      ` Total Memory: ${(os.totalmem() / 1024 ** 3).toFixed(2)}GiB\n Name: ${os.hostname()}\n Docker Root Dir: ${context.dataRoot}\n`,
  );
  return 0;
}
