// `images`: the images a listing shows, after Docker's filters and its rules for intermediate images.
import type { Digest } from '../digest/digest.ts';
import { matchesReferencePattern } from '../reference/pattern.ts';
import { parseReference } from '../reference/reference.ts';
import type { Store } from '../store/store.ts';
import { booleanFilter, matchLabels, parseFilters } from './filters.ts';
import { listImageRecords, type ImageRecord } from './image-records.ts';
import { resolveImage } from './resolve.ts';

export const IMAGE_LIST_FILTERS = ['dangling', 'label', 'before', 'since', 'reference', 'until'] as const;

export interface ListOptions {
  all: boolean;
  filters: string[];
}

export async function listImages(store: Store, options: ListOptions): Promise<ImageRecord[]> {
  const filters = parseFilters(options.filters, IMAGE_LIST_FILTERS);
  const dangling = booleanFilter(filters, 'dangling');
  const before = filters.get('before')?.map((name) => createdOf(store, name));
  const since = filters.get('since')?.map((name) => createdOf(store, name));
  const patterns = filters.get('reference');
  const labels = filters.get('label');
  // Loaded only for a label filter: the module costs every other listing start-up time.
  const readConfig = labels ? (await import('./inspect.ts')).readConfig : undefined;
  const records = listImageRecords(store, { layers: false });
  const parents = new Set(records.map((record) => record.parent).filter(Boolean));
  // Each with its creation time parsed once, for the filters and the sort alike.
  const selected: Array<{ record: ImageRecord; created: number }> = [];
  for (const listed of records) {
    const record = patterns ? keepMatchingNames(listed, patterns) : listed;
    if (patterns && record.repoTags.length + record.repoDigests.length === 0) continue;
    const untagged = record.repoTags.length === 0 && record.repoDigests.length === 0;
    if (untagged && !options.all && parents.has(record.id)) continue;
    if (dangling === true && !untagged) continue;
    if (dangling === false && untagged) continue;
    const created = Date.parse(record.created ?? '');
    if (before && !before.every((limit) => created < limit)) continue;
    if (since && !since.every((limit) => created > limit)) continue;
    // Only a label filter needs the config; reading a thousand configs would dominate a listing.
    if (labels && readConfig && !matchLabels(labels, (await readConfig(store, record.id)).config?.Labels)) continue;
    selected.push({ record, created: created || 0 });
  }
  selected.sort((a, b) => b.created - a.created || (a.record.id < b.record.id ? -1 : 1));
  return selected.map(({ record }) => record);
}

/** Docker lists only the names that match a reference filter, and the image only if one does. */
function keepMatchingNames(record: ImageRecord, patterns: string[]): ImageRecord {
  const matches = (name: string) => patterns.some((pattern) => matchesReferencePattern(pattern, parseReference(name)));
  return { ...record, repoTags: record.repoTags.filter(matches), repoDigests: record.repoDigests.filter(matches) };
}

function createdOf(store: Store, name: string): number {
  const { id } = resolveImage(store, name);
  const row = store.db.get('SELECT created FROM images WHERE id = ?', id as Digest);
  return Date.parse(String(row?.created ?? ''));
}
