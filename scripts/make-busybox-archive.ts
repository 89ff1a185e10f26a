// Writes the busybox test image as a `docker save` archive, without network: `node scripts/make-busybox-archive.ts OUT.tar [NAME:TAG]`.
import { busyboxFixture, writeClassicArchive } from '../test/helpers/image-builder.ts';

const [out, name = 'busybox:latest'] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: make-busybox-archive.ts OUT.tar [NAME:TAG]\n');
  process.exit(2);
}
const image = await busyboxFixture(name);
await writeClassicArchive(out, [{ image, repoTags: [name] }]);
process.stdout.write(`wrote ${out}: ${name}, image id ${image.id}\n`);
