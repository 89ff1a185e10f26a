// The networks a container is on, from its settings: HostConfig.NetworkMode's, then its extraNetworks (kept apart from the network code, so `ps` loads none of it).
import type { ContainerSettings } from './container-config.ts';

export interface ContainerNetwork {
  name: string;
  aliases: string[];
}

/** Its primary network (HostConfig.NetworkMode; `default` is the bridge) first, with its aliases on each. */
export function networksOf(settings: Pick<ContainerSettings, 'hostConfig' | 'aliases' | 'extraNetworks'>): ContainerNetwork[] {
  const mode = settings.hostConfig.NetworkMode;
  const extra = Object.entries(settings.extraNetworks ?? {}).map(([name, endpoint]) => ({ name, aliases: endpoint.aliases ?? [] }));
  return [{ name: mode === 'default' ? 'bridge' : mode, aliases: settings.aliases ?? [] }, ...extra];
}
