// Platforms in OCI terms: the host's, `os/arch[/variant]` as flags give them, and choosing an index entry as Docker does.
import { InvalidArgumentError, NotFoundError } from '../errors.ts';
import type { Descriptor, Platform } from './types.ts';

const OCI_ARCHITECTURE: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
const ARCHITECTURE_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' };
/** The variant an architecture means when none is named (containerd's normalisation). */
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

export function hostArchitecture(): string {
  return OCI_ARCHITECTURE[process.arch] ?? process.arch;
}

export function hostPlatform(): Platform {
  return { os: 'linux', architecture: hostArchitecture() };
}

/** `linux/arm64/v8`, `linux/amd64`; undefined means the host's. */
export function parsePlatform(value: string | undefined): Platform {
  if (!value) return hostPlatform();
  const [os, architecture, variant, ...rest] = value.toLowerCase().split('/');
  if (!os || !architecture || rest.length > 0) throw new InvalidArgumentError(`"${value}": unknown operating system or architecture: invalid argument`);
  return { os, architecture: ARCHITECTURE_ALIASES[architecture] ?? architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(platform: Platform): string {
  const variant = platform.variant ?? DEFAULT_VARIANT[platform.architecture];
  return [platform.os, platform.architecture, variant].filter(Boolean).join('/');
}

export function platformMatches(candidate: Platform | undefined, wanted: Platform): boolean {
  if (!candidate) return false;
  const architecture = ARCHITECTURE_ALIASES[candidate.architecture] ?? candidate.architecture;
  if (candidate.os !== wanted.os || architecture !== wanted.architecture) return false;
  const variant = (platform: Platform) => platform.variant ?? DEFAULT_VARIANT[architecture] ?? '';
  return !wanted.variant || variant(candidate) === variant(wanted);
}

/** The index entry for `wanted`, with Docker's error when there is none. */
export function selectManifest(manifests: Descriptor[], wanted: Platform): Descriptor {
  const match = manifests.find((entry) => platformMatches(entry.platform, wanted));
  if (!match) throw new NotFoundError(`no matching manifest for ${formatPlatform(wanted)} in the manifest list entries`);
  return match;
}
