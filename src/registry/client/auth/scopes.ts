// The token scopes registries understand: `repository:<name>:pull` and `repository:<name>:pull,push`.

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}
