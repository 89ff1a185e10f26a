// `wharf inspect [-f FORMAT] IMAGE...`: Docker's JSON array, or one templated line per image.
import { errorLine, NotFoundError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { inspectImage } from '../../images/inspect.ts';
import { resolveImage } from '../../images/resolve.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { compileFormatTemplate } from '../format/template-render.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { format: { type: 'string', short: 'f' }, type: { type: 'string' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] IMAGE [IMAGE...]`);
  const format = values.format as string | undefined;
  const template = format && format !== 'json' ? compileFormatTemplate(format) : undefined;
  const store = await context.store();
  const found: unknown[] = [];
  let failed = false;
  for (const name of positionals) {
    try {
      const object = await inspectObject(store, name, path === 'image inspect' ? 'image' : path === 'container inspect' ? 'container' : (values.type as string | undefined));
      if (template) context.out(`${template.execute(object)}\n`);
      else found.push(object);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  if (!template) context.out(`${JSON.stringify(found, null, 4).replace(/[<>&]/g, goJsonEscape)}\n`);
  return failed ? 1 : 0;
}

/** Go's encoder escapes these for HTML safety; docker inspect output carries them so. */
function goJsonEscape(char: string): string {
  return `\\u00${char.charCodeAt(0).toString(16)}`;
}

/** Docker looks for a container first, then an image, unless --type says which. */
async function inspectObject(store: Store, name: string, type: string | undefined): Promise<unknown> {
  if (type !== 'image') {
    const { findContainer, inspectContainer } = await import('../../runtime/containers/inspect.ts');
    const container = findContainer(store, name);
    if (container) return inspectContainer(store, container);
    if (type === 'container') throw new NotFoundError(`No such container: ${name}`);
  }
  return inspectImage(store, resolveImage(store, name).id);
}
