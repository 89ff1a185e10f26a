// A shortcut for the templates nearly every listing uses, text and `{{.Field}}` only: a thousand rows
// print in well under a millisecond. Anything but a string field falls back to the full executor,
// so the output is the same byte for byte.
import type { Node } from './nodes.ts';

export type FastExecute = (data: unknown) => string | undefined;

type Part = { text: string } | { field: string };

export function fieldFastPath(root: Node): FastExecute | undefined {
  const nodes = root.type === 'list' ? root.nodes : [root];
  const parts: Part[] = [];
  for (const node of nodes) {
    if (node.type === 'text') parts.push({ text: node.text });
    else if (node.type === 'action' && isSingleField(node.pipe)) parts.push({ field: (node.pipe.cmds[0].args[0] as { ident: string[] }).ident[0] });
    else return undefined;
  }
  return fieldsExecutor(parts);
}

const SIMPLE_ACTION = /\{\{ *\.([A-Za-z_][A-Za-z0-9_]*) *\}\}/g;
const WHOLE_ACTION = new RegExp(`^${SIMPLE_ACTION.source}$`);

/**
 * The same shortcut recognised from the source text alone, so a listing with Docker's default
 * format needs no template engine loaded at all. Anything else (functions, trim markers,
 * comments, a `{{` that is not such an action) is undefined: the caller uses the engine.
 */
export function simpleFieldTemplate(source: string): FastExecute | undefined {
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(SIMPLE_ACTION)) {
    parts.push({ text: source.slice(last, match.index) }, { field: match[1] });
    last = match.index + match[0].length;
  }
  parts.push({ text: source.slice(last) });
  if (parts.some((part) => 'text' in part && part.text.includes('{{'))) return undefined;
  return fieldsExecutor(parts);
}

/** The fields of a template that is `{{.Field}}` actions with a tab between each and no other text (a table's usual format). */
export function tabSeparatedFields(source: string): string[] | undefined {
  const cells = source.split('\t');
  const fields: string[] = [];
  for (const cell of cells) {
    const match = WHOLE_ACTION.exec(cell);
    if (!match) return undefined;
    fields.push(match[1]);
  }
  return fields;
}

function fieldsExecutor(parts: Part[]): FastExecute {
  // Text and field names in two arrays walked by index: a listing runs this cold, a thousand times, where
  // a for…of allocates at every step.
  const texts = parts.map((part) => ('text' in part ? part.text : undefined));
  const fields = parts.map((part) => ('field' in part ? part.field : undefined));
  return (data) => {
    if (typeof data !== 'object' || data === null) return undefined;
    let out = '';
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      if (text !== undefined) {
        out += text;
        continue;
      }
      const value = (data as Record<string, unknown>)[fields[i]!];
      if (typeof value !== 'string') return undefined;
      out += value;
    }
    return out;
  };
}

function isSingleField(pipe: Extract<Node, { type: 'action' }>['pipe']): boolean {
  if (pipe.decl.length > 0 || pipe.cmds.length !== 1 || pipe.cmds[0].args.length !== 1) return false;
  const arg = pipe.cmds[0].args[0];
  return arg.type === 'field' && arg.ident.length === 1;
}
