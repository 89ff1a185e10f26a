// docker/cli's --sig-proxy: signals wharf receives while attached go to the container instead of ending wharf.
import { getContainer, type ContainerRecord } from '../../runtime/containers/container-store.ts';
import { signalContainer } from '../../runtime/containers/signal.ts';
import type { Store } from '../../store/store.ts';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export function proxySignals(store: Store, record: ContainerRecord): () => void {
  const forward = (signal: NodeJS.Signals) => {
    try {
      const current = getContainer(store, record.id);
      if (current) signalContainer(store, current, signal);
    } catch {
      // it ended meanwhile
    }
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  return () => {
    for (const signal of FORWARDED) process.off(signal, forward);
  };
}
