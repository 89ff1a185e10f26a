// The configurable bounds on untrusted layers, seen from the CLI: refused past the limit with a line naming
// the variable that raises it, the store as it was; accepted once raised.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failsWithOneLine, ok, storeState, writeArchive } from '../helpers/cli-fixtures.ts';
import { buildImage, type EntrySpec } from '../helpers/image-builder.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

describe('wharf load within its limits', () => {
  it('refuses a layer of more entries than WHARF_MAX_LAYER_ENTRIES, and loads it once the limit is raised', async (t) => {
    const files: EntrySpec[] = Array.from({ length: 1500 }, (_, i) => ({ path: `f/${i}`, type: 'file', content: '' }));
    const image = await buildImage({ layers: [[{ path: 'f', type: 'dir' }, ...files]] });
    const archive = await writeArchive(join(tempDir(t), 'many.tar'), 'classic', [{ image, repoTags: ['many:1'] }]);
    const wharf = makeWharf(t);
    const before = await storeState(wharf);
    const refused = await wharf.run(['load', '-i', archive], { env: { WHARF_MAX_LAYER_ENTRIES: '1000' } });
    failsWithOneLine(refused, /layer has more than 1000 entries: raise WHARF_MAX_LAYER_ENTRIES/);
    assert.deepEqual(await storeState(wharf), before);
    ok(await wharf.run(['load', '-i', archive], { env: { WHARF_MAX_LAYER_ENTRIES: '2000' } }));
    assert.equal(ok(await wharf.run(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, 'many:1\n');
  });
});
