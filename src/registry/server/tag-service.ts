// Tags of a repository: named pointers to manifest digests, each its own small file replaced atomically.
import { isDigest, type Digest } from '../../digest/digest.ts';
import { RegistryError } from './error-codes.ts';
import { repositoryDir, tagDir, tagLinkPath, tagsDir } from './paths.ts';
import { PathNotFoundError, type StorageDriver } from './storage-driver.ts';

export class TagService {
  private readonly driver: StorageDriver;

  constructor(driver: StorageDriver) {
    this.driver = driver;
  }

  /** The tag's manifest digest; MANIFEST_UNKNOWN when there is no such tag. */
  async resolve(name: string, tag: string): Promise<Digest> {
    const link = await readLink(this.driver, tagLinkPath(name, tag));
    if (!link) throw new RegistryError('MANIFEST_UNKNOWN', { detail: { tag } });
    return link;
  }

  async set(name: string, tag: string, digest: Digest): Promise<void> {
    await this.driver.putContent(tagLinkPath(name, tag), digest);
  }

  /** Removes only this tag: other tags and the manifest itself stay. */
  async remove(name: string, tag: string): Promise<void> {
    await this.resolve(name, tag);
    await this.driver.delete(tagDir(name, tag));
  }

  /** Every tag in lexical (byte) order; NAME_UNKNOWN for a repository that does not exist. */
  async list(name: string): Promise<string[]> {
    await this.assertRepository(name);
    return (await this.driver.list(tagsDir(name))).sort(byteOrder);
  }

  /** The tags pointing at a digest (for removing them with their manifest). */
  async tagsOf(name: string, digest: Digest): Promise<string[]> {
    const tags: string[] = [];
    for (const tag of await this.driver.list(tagsDir(name))) {
      if ((await readLink(this.driver, tagLinkPath(name, tag))) === digest) tags.push(tag);
    }
    return tags;
  }

  async assertRepository(name: string): Promise<void> {
    try {
      await this.driver.stat(repositoryDir(name));
    } catch (error) {
      if (error instanceof PathNotFoundError) throw new RegistryError('NAME_UNKNOWN', { detail: { name }, cause: error });
      throw error;
    }
  }
}

/** A link file's digest, or undefined when the link is missing or does not hold a digest. */
export async function readLink(driver: Pick<StorageDriver, 'getContent'>, path: string): Promise<Digest | undefined> {
  try {
    const text = (await driver.getContent(path)).toString('utf8').trim();
    return isDigest(text) ? text : undefined;
  } catch (error) {
    if (error instanceof PathNotFoundError) return undefined;
    throw error;
  }
}

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
