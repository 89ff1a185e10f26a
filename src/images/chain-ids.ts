// Chain IDs: a layer's identity together with every layer below it, as Docker's layer store keys them.
import { sha256Of, type Digest } from '../digest/digest.ts';

export function chainIds(diffIds: Digest[]): Digest[] {
  const chains: Digest[] = [];
  for (const diffId of diffIds) {
    const below = chains.at(-1);
    chains.push(below ? sha256Of(`${below} ${diffId}`) : diffId);
  }
  return chains;
}
