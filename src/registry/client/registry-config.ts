// The registry settings of daemon.json (insecure-registries, registry-mirrors, max-concurrent-downloads) and where certs.d is.
import { DEFAULT_CONFIG_FILE, readDaemonConfig } from '../../store/data-root.ts';

export interface RegistryConfig {
  /** Hosts (`host:port`) and CIDRs whose TLS is not verified, and which may speak plain HTTP. */
  insecureRegistries: string[];
  /** Base URLs tried before Docker Hub, in order. */
  mirrors: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  /** Push blobs in PATCH chunks of this many bytes (WHARF_UPLOAD_CHUNK_SIZE), for registries behind a body-size cap; else one PUT. */
  uploadChunkBytes?: number;
  /** Per-registry `<host:port>/ca.crt`, `client.cert`, `client.key`, as Docker's /etc/docker/certs.d. */
  certsDirs: string[];
}

const DEFAULT_CONCURRENT_DOWNLOADS = 3;
const DEFAULT_CONCURRENT_UPLOADS = 5;

export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const config = readDaemonConfig(env.WHARF_CONFIG ?? DEFAULT_CONFIG_FILE);
  return {
    insecureRegistries: stringList(config['insecure-registries']),
    mirrors: stringList(config['registry-mirrors']),
    maxConcurrentDownloads: positive(config['max-concurrent-downloads']) ?? DEFAULT_CONCURRENT_DOWNLOADS,
    maxConcurrentUploads: positive(config['max-concurrent-uploads']) ?? DEFAULT_CONCURRENT_UPLOADS,
    uploadChunkBytes: positive(Number(env.WHARF_UPLOAD_CHUNK_SIZE)),
    certsDirs: env.WHARF_CERTS_D ? [env.WHARF_CERTS_D] : ['/etc/wharf/certs.d', '/etc/docker/certs.d'],
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
