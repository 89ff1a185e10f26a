// wharf's own iptables chains (WHARF, WHARF-POSTROUTING, WHARF-FORWARD): set up once, rules tagged by comment so they are found and removed by owner.
import { mustRun, runHostCommand } from './host-command.ts';

export type Table = 'nat' | 'filter';

/** A rule as iptables -S prints it after `-A CHAIN`, e.g. `-p tcp --dport 80 -j ACCEPT`. */
export interface Rule {
  table: Table;
  chain: string;
  spec: string;
  /** First in the chain rather than last (isolation drops ahead of any bridge's accepts); several keep their order. */
  insert?: boolean;
}

/** The jumps from the built-in chains into ours; Docker's chains are left as they are. */
const BASE_CHAINS: Array<{ table: Table; chain: string; jumps: Array<{ from: string; spec: string; insert: boolean }> }> = [
  {
    table: 'nat',
    chain: 'WHARF',
    jumps: [
      { from: 'PREROUTING', spec: '-m addrtype --dst-type LOCAL -j WHARF', insert: false },
      // 127.0.0.1 included (unlike Docker's OUTPUT jump): published ports answer on localhost without a proxy
      { from: 'OUTPUT', spec: '-m addrtype --dst-type LOCAL -j WHARF', insert: false },
    ],
  },
  { table: 'nat', chain: 'WHARF-POSTROUTING', jumps: [{ from: 'POSTROUTING', spec: '-j WHARF-POSTROUTING', insert: false }] },
  // first in FORWARD: Docker sets FORWARD's policy to DROP and would otherwise drop our bridge's traffic
  { table: 'filter', chain: 'WHARF-FORWARD', jumps: [{ from: 'FORWARD', spec: '-j WHARF-FORWARD', insert: true }] },
];

export function ownerComment(owner: string): string {
  return `-m comment --comment ${owner}`;
}

/** The nat and filter tables as iptables-save prints them, read in one call. */
export interface RuleSet {
  nat: string[];
  filter: string[];
}

export async function readRuleSet(): Promise<RuleSet> {
  const rules: RuleSet = { nat: [], filter: [] };
  let current: string[] | undefined;
  for (const line of (await mustRun('iptables-save', [])).split('\n')) {
    if (line.startsWith('*')) current = line === '*nat' ? rules.nat : line === '*filter' ? rules.filter : undefined;
    else current?.push(line);
  }
  return rules;
}


/** Creates our chains and jumps where missing. Two processes racing may both add a jump; a duplicate is harmless and removed with the rest. */
export async function ensureBaseChains(rules: RuleSet): Promise<void> {
  for (const table of ['nat', 'filter'] as const) {
    const current = rules[table];
    const lines: string[] = [];
    for (const base of BASE_CHAINS.filter((entry) => entry.table === table)) {
      if (!current.some((line) => line.startsWith(`:${base.chain} `))) lines.push(`-N ${base.chain}`);
      for (const jump of base.jumps) {
        if (!current.some((line) => normalise(line) === normalise(`-A ${jump.from} ${jump.spec}`))) lines.push(`${jump.insert ? '-I' : '-A'} ${jump.from} ${jump.spec}`);
      }
    }
    if (lines.length > 0) await restoreTolerantly(table, lines);
  }
}

/** Appends rules in one iptables-restore (one transaction per table), so a container's rules appear together. */
export async function addRules(rules: Rule[]): Promise<void> {
  const input = (['nat', 'filter'] as const)
    .map((table) => {
      const ofTable = rules.filter((rule) => rule.table === table);
      // each -I goes to the top: the last inserted is first, so inserts are written in reverse
      const inserted = ofTable.filter((rule) => rule.insert).reverse().map((rule) => `-I ${rule.chain} ${rule.spec}`);
      return { table, lines: [...inserted, ...ofTable.filter((rule) => !rule.insert).map((rule) => `-A ${rule.chain} ${rule.spec}`)] };
    })
    .filter(({ lines }) => lines.length > 0)
    .map(({ table, lines }) => `*${table}\n${lines.join('\n')}\nCOMMIT\n`)
    .join('');
  if (input) await mustRun('iptables-restore', ['-w', '--noflush'], { input });
}

/** Deletes every rule in our chains carrying this owner's comment; missing rules are not an error. */
export async function removeRulesOf(owner: string): Promise<void> {
  await removeMatching((line) => line.includes(`--comment ${owner} `) || line.includes(`--comment "${owner}" `) || line.endsWith(`--comment ${owner}`));
}

/** Deletes rules in our chains whose comment names an owner `isStale` rejects (owners look like `wharf:<id>`). */
export async function removeRulesWhere(isStale: (owner: string) => boolean): Promise<void> {
  await removeMatching((line) => {
    const owner = /--comment "?(wharf[\w:@-]*)"?/.exec(line)?.[1];
    return owner !== undefined && isStale(owner);
  });
}

/** Every owner comment found in our chains. */
export async function ruleOwners(rules?: RuleSet): Promise<Set<string>> {
  const owners = new Set<string>();
  const set = rules ?? (await readRuleSet());
  for (const table of ['nat', 'filter'] as const) {
    for (const line of set[table]) {
      const owner = /^-A WHARF[\w-]* .*--comment "?(wharf[\w:@-]*)"?/.exec(line)?.[1];
      if (owner) owners.add(owner);
    }
  }
  return owners;
}

async function removeMatching(matches: (line: string) => boolean): Promise<void> {
  const rules = await readRuleSet();
  const byTable = (['nat', 'filter'] as const).map((table) => ({
    table,
    lines: rules[table].filter((line) => /^-A WHARF[\w-]* /.test(line) && matches(line)).map((line) => `-D${line.slice(2)}`),
  }));
  const input = byTable.filter(({ lines }) => lines.length > 0).map(({ table, lines }) => `*${table}\n${lines.join('\n')}\nCOMMIT\n`).join('');
  if (!input || (await runHostCommand('iptables-restore', ['-w', '--noflush'], { input })).code === 0) return;
  for (const { table, lines } of byTable) if (lines.length > 0) await restoreTolerantly(table, lines);
}

/** One restore for all lines; if another process changed the table meanwhile, each line alone, ignoring the ones that no longer apply. */
async function restoreTolerantly(table: Table, lines: string[]): Promise<void> {
  const all = await runHostCommand('iptables-restore', ['-w', '--noflush'], { input: `*${table}\n${lines.join('\n')}\nCOMMIT\n` });
  if (all.code === 0) return;
  for (const line of lines) await runHostCommand('iptables-restore', ['-w', '--noflush'], { input: `*${table}\n${line}\nCOMMIT\n` });
}

/** iptables-save adds implied matches (`-m tcp`) and quotes; compare rules without them. */
function normalise(rule: string): string {
  return rule.replace(/ -m (tcp|udp)(?= )/g, '').replaceAll('"', '').trim();
}

/** Removes our jumps and chains entirely (when the last bridge goes); Docker's rules stay. */
export async function removeBaseChains(): Promise<void> {
  const ruleSet = await readRuleSet();
  for (const table of ['nat', 'filter'] as const) {
    const current = ruleSet[table];
    const ours = BASE_CHAINS.filter((entry) => entry.table === table);
    const jumps = current.filter((line) => ours.some((base) => line.startsWith('-A ') && line.endsWith(`-j ${base.chain}`))).map((line) => `-D${line.slice(2)}`);
    const rules = current.filter((line) => ours.some((base) => line.startsWith(`-A ${base.chain} `))).map((line) => `-D${line.slice(2)}`);
    const chains = ours.filter((base) => current.some((line) => line.startsWith(`:${base.chain} `))).map((base) => `-X ${base.chain}`);
    if (jumps.length + rules.length + chains.length > 0) await restoreTolerantly(table, [...jumps, ...rules, ...chains]);
  }
}
