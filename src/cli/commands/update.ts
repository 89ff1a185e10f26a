// `wharf update [--restart POLICY] [-m MEMORY] [--cpus N] [--pids-limit N] CONTAINER...`: a container's restart policy and limits, changed while it runs or not; prints each name as given.
import { InvalidArgumentError } from '../../errors.ts';
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { parseCpus, parseMemory, parsePidsLimit } from '../../runtime/containers/limits.ts';
import { parseRestartPolicy } from '../../runtime/containers/restart-policy.ts';
import { type ContainerChanges, updateContainerConfig } from '../../runtime/containers/update.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { forEachNamedContainer } from './each-named-container.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    restart: { type: 'string' },
    memory: { type: 'string', short: 'm' },
    cpus: { type: 'string' },
    'pids-limit': { type: 'string' },
  }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const changes = changesOf(values as Record<string, string | undefined>);
  const store = await context.store();
  return forEachNamedContainer(context, positionals, (reference) => updateContainerConfig(store, resolveContainer(store, reference), changes));
}

function changesOf(values: Record<string, string | undefined>): ContainerChanges {
  if (Object.values(values).every((value) => value === undefined)) {
    throw new InvalidArgumentError('you must provide one or more flags when using this command', { exitCode: 1, fromDaemon: false });
  }
  return {
    ...(values.restart !== undefined ? { restartPolicy: parseRestartPolicy(values.restart) } : {}),
    ...(values.memory !== undefined ? { memory: parseMemory(values.memory) } : {}),
    ...(values.cpus !== undefined ? { nanoCpus: parseCpus(values.cpus) } : {}),
    ...(values['pids-limit'] !== undefined ? { pidsLimit: parsePidsLimit(values['pids-limit']) ?? undefined } : {}),
  };
}
