// Runs a write under a lease, and afterwards removes whatever the lease staged that nothing came to reference.
import { collectGarbage } from './gc.ts';
import { Lease } from './leases.ts';
import type { Store } from './store.ts';

/** A caller that records its result may end the lease inside that same transaction (`lease.releaseWithin()`). */
export async function withLease<T>(store: Store, work: (lease: Lease) => Promise<T>): Promise<T> {
  const lease = Lease.acquire(store.db);
  try {
    return await work(lease);
  } finally {
    store.db.transaction(() => lease.releaseWithin());
    // A failed write's blobs, or files an archive held that no image took, go now rather than at the next GC.
    collectGarbage(store, { only: lease.digests });
  }
}
