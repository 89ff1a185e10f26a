// `wharf info`: the engine's facts in Docker's layout (counts, storage, data root, runtime platform).
import packageJson from '../../../package.json' with { type: 'json' };
import { engineInfo } from '../../runtime/engine-info.ts';
import type { CliContext } from '../context.ts';
import { parseFlags } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  parseFlags(args, {}, path);
  const info = engineInfo(await context.store(), context.dataRoot, packageJson.version);
  context.out(
    `Client:\n Context:    default\n Debug Mode: false\n\nServer:\n Containers: ${info.Containers}\n  Running: ${info.ContainersRunning}\n` +
      `  Paused: ${info.ContainersPaused}\n  Stopped: ${info.ContainersStopped}\n Images: ${info.Images}\n` +
      ` Server Version: wharf (daemonless)\n Storage Driver: ${info.Driver}\n Metadata: sqlite (WAL)\n Kernel Version: ${info.KernelVersion}\n` +
      ` Operating System: ${info.OperatingSystem}\n OSType: ${info.OSType}\n Architecture: ${info.Architecture}\n CPUs: ${info.NCPU}\n` +
      ` Total Memory: ${(info.MemTotal / 1024 ** 3).toFixed(2)}GiB\n Name: ${info.Name}\n Docker Root Dir: ${info.DockerRootDir}\n`,
  );
  return 0;
}
