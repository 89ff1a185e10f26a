// A container's endpoint ID on a network: one endpoint per pair, so the ID is derived from the two rather than stored.
import { crypto } from '../../digest/digest.ts';

export function endpointIdOf(containerId: string, networkId: string): string {
  return crypto().createHash('sha256').update(`${containerId}/${networkId}`).digest('hex');
}
