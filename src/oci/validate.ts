// Validation of image configs and manifests read from untrusted sources.
import { isDigest } from '../digest/digest.ts';
import { InvalidContentError } from '../errors.ts';
import type { ImageConfig } from './types.ts';

export function parseImageConfig(bytes: Buffer, what: string): ImageConfig {
  let config: ImageConfig;
  try {
    config = JSON.parse(bytes.toString('utf8')) as ImageConfig;
  } catch (error) {
    throw new InvalidContentError(`invalid image config ${what}: not valid JSON`, { cause: error });
  }
  if (typeof config !== 'object' || config === null) throw new InvalidContentError(`invalid image config ${what}: not an object`);
  const diffIds = config.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || !diffIds.every((id) => typeof id === 'string' && isDigest(id))) {
    throw new InvalidContentError(`invalid image config ${what}: rootfs.diff_ids is missing or malformed`);
  }
  return config;
}
