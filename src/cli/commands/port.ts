// `wharf port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports, as `80/tcp -> 0.0.0.0:8000`.
import { WharfError } from '../../errors.ts';
import { resolveContainerId } from '../../runtime/network/container-names.ts';
import { portsOf } from '../../runtime/network/ports.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 1, max: 2 }, path, `${path} CONTAINER [PRIVATE_PORT[/PROTO]]`);
  const [reference, wanted] = positionals;
  const store = await context.store();
  const ports = portsOf(store, resolveContainerId(store, reference));
  if (wanted === undefined) {
    const lines = ports.map((port) => `${port.containerPort}/${port.protocol} -> ${port.hostIp}:${port.hostPort}`);
    context.out(lines.map((line) => `${line}\n`).join(''));
    return 0;
  }
  const [portText, protocol = 'tcp'] = wanted.split('/');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new WharfError(`Error: invalid port (${portText}): strconv.ParseUint: parsing "${portText}": invalid syntax`, { fromDaemon: false });
  const matching = ports.filter((entry) => entry.containerPort === port && entry.protocol === protocol);
  if (matching.length === 0) throw new WharfError(`Error: No public port '${wanted}' published for ${reference}`, { fromDaemon: false });
  context.out(matching.map((entry) => `${entry.hostIp}:${entry.hostPort}\n`).join(''));
  return 0;
}
