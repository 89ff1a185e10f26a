// A command's --help in docker/cli's layout: Usage, summary, Aliases, and the options from its own flag spec.
import { ALIASES } from '../command-table.ts';
import type { FlagSpec } from '../flags.ts';
import { COMMAND_HELP } from './command-help.ts';

export function renderHelp(commandPath: string, spec: FlagSpec): string {
  const canonical = Object.hasOwn(ALIASES, commandPath) ? ALIASES[commandPath] : commandPath;
  const help = COMMAND_HELP[canonical];
  const sections = [`Usage:  wharf ${commandPath} ${help?.synopsis ?? '[OPTIONS]'}`.trimEnd()];
  if (help) sections.push(help.summary);
  const aliases = aliasesOf(canonical);
  if (aliases.length) sections.push(`Aliases:\n  ${[canonical, ...aliases].map((path) => `wharf ${path}`).join(', ')}`);
  const options = optionLines(spec, help?.flags ?? {});
  if (options.length) sections.push(`Options:\n${options.join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}

/** Docker's order: the other two-word paths, then the top-level shortcut (`image list`, then `images`). */
function aliasesOf(canonical: string): string[] {
  const aliases = Object.keys(ALIASES).filter((alias) => ALIASES[alias] === canonical);
  return [...aliases.filter((alias) => alias.includes(' ')), ...aliases.filter((alias) => !alias.includes(' '))];
}

/** pflag's FlagUsages: sorted by long name, names and value type in one column, descriptions aligned 3 spaces past the widest. */
function optionLines(spec: FlagSpec, texts: Record<string, { text: string; type?: string }>): string[] {
  const names = Object.keys(spec).filter((name) => name !== 'help').sort();
  const lefts = names.map((name) => {
    const option = spec[name];
    const type = option.type === 'boolean' ? '' : ` ${texts[name]?.type ?? (option.multiple ? 'list' : 'string')}`;
    return `${option.short ? `  -${option.short}, ` : '      '}--${name}${type}`;
  });
  const width = Math.max(...lefts.map((left) => left.length)) + 3;
  return names.map((name, i) => {
    const text = texts[name]?.text;
    if (!text) return lefts[i];
    const [first, ...more] = text.split('\n');
    return [lefts[i].padEnd(width) + first, ...more.map((line) => ' '.repeat(width) + line)].join('\n');
  });
}
