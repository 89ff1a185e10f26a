// The host's platform in OCI terms (Node's `x64` is OCI's `amd64`).

const OCI_ARCHITECTURE: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };

export function hostArchitecture(): string {
  return OCI_ARCHITECTURE[process.arch] ?? process.arch;
}
