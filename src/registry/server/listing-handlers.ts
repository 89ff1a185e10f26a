// Listing endpoints: tags of a repository, the catalog, and referrers of a digest.
import type { Digest } from '../../digest/digest.ts';
import { MediaType } from '../../oci/media-types.ts';
import { nextLink, pageSize, replyJson } from './http-io.ts';
import { paginate } from './catalog.ts';
import type { RequestContext } from './request-context.ts';

export async function listTags(context: RequestContext, name: string): Promise<void> {
  const { res, registry, query } = context;
  const n = pageSize(query);
  const { page, more } = paginate(await registry.tags.list(name), { n, last: query.get('last') ?? undefined });
  const headers: Record<string, string> = more && n ? { Link: nextLink(`/v2/${name}/tags/list`, n, page[page.length - 1]) } : {};
  replyJson(res, 200, { name, tags: page }, headers);
}

export async function listCatalog(context: RequestContext): Promise<void> {
  const { res, registry, query } = context;
  const n = pageSize(query);
  const { page, more } = paginate(await registry.catalog(), { n, last: query.get('last') ?? undefined });
  const headers: Record<string, string> = more && n ? { Link: nextLink('/v2/_catalog', n, page[page.length - 1]) } : {};
  replyJson(res, 200, { repositories: page }, headers);
}

export async function listReferrers(context: RequestContext, name: string, digest: Digest): Promise<void> {
  const { res, registry, query } = context;
  const artifactType = query.get('artifactType') ?? undefined;
  const index = await registry.referrers.list(name, digest, artifactType);
  const headers = { 'Content-Type': MediaType.ociIndex, ...(artifactType ? { 'OCI-Filters-Applied': 'artifactType' } : {}) };
  replyJson(res, 200, index, headers);
}
