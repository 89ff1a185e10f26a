// Parses --restart as docker/cli does, with its error texts.
import { InvalidArgumentError } from '../../errors.ts';
import type { RestartPolicy } from './container-config.ts';

/** docker/cli's --restart: no, always, unless-stopped, on-failure[:max-retries]; unset is dockerd's empty name. */
export function parseRestartPolicy(value: string | undefined): RestartPolicy {
  if (value === undefined || value === '' || value === 'no') return { Name: value === 'no' ? 'no' : '', MaximumRetryCount: 0 };
  const [name, count] = value.split(':');
  if (name === 'always' || name === 'unless-stopped') {
    if (count !== undefined) throw new InvalidArgumentError(`maximum retry count cannot be used with restart policy '${name}'`, { exitCode: 125, fromDaemon: false });
    return { Name: name, MaximumRetryCount: 0 };
  }
  if (name === 'on-failure' && (count === undefined || /^\d+$/.test(count))) return { Name: name, MaximumRetryCount: Number(count ?? 0) };
  throw new InvalidArgumentError(`invalid restart policy '${value}'`, { exitCode: 125, fromDaemon: false });
}
