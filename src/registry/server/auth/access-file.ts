// Who may do what with which repositories, from a small YAML file read by the token endpoint.
//
//   - account: alice          # a user from the htpasswd file; `*` is any signed-in user, `anonymous` is no credentials
//     name: team/*            # a repository name; `*` matches any run of characters, `/` included
//     actions: [pull, push]   # pull, push, delete, or `*` for all (and the catalog, when the name is `*`)
//
// Without an access file every signed-in user may do everything and anonymous users nothing.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../../errors.ts';

export interface AccessRule {
  account: string;
  name: string;
  actions: string[];
}

export class AccessPolicy {
  private readonly rules: AccessRule[] | undefined;

  constructor(rules: AccessRule[] | undefined) {
    this.rules = rules;
  }

  /** The requested actions this account is granted on a resource (`repository:NAME` or `registry:catalog`). */
  granted(account: string | undefined, type: string, name: string, requested: string[]): string[] {
    if (!this.rules) return account ? requested : [];
    const allowed = new Set<string>();
    for (const rule of this.rules) {
      if (!accountMatches(rule.account, account)) continue;
      if (type === 'registry') {
        if (name === 'catalog' && rule.name === '*' && rule.actions.includes('*')) allowed.add('*');
      } else if (globMatches(rule.name, name)) {
        for (const action of rule.actions) allowed.add(action);
      }
    }
    return requested.filter((action) => allowed.has(action) || allowed.has('*'));
  }
}

export async function loadAccessPolicy(path: string | undefined): Promise<AccessPolicy> {
  if (!path) return new AccessPolicy(undefined);
  const { parse } = await import('yaml');
  const rules = parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(rules) || !rules.every(isRule)) {
    throw new InvalidArgumentError(`access file ${path}: expected a list of {account, name, actions}`, { fromDaemon: false });
  }
  return new AccessPolicy(rules);
}

function isRule(value: unknown): value is AccessRule {
  const rule = value as AccessRule;
  return typeof rule?.account === 'string' && typeof rule.name === 'string' && Array.isArray(rule.actions) && rule.actions.every((a) => typeof a === 'string');
}

function accountMatches(pattern: string, account: string | undefined): boolean {
  if (pattern === 'anonymous') return account === undefined;
  return account !== undefined && (pattern === '*' || pattern === account);
}

function globMatches(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(name);
}
