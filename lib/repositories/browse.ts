import 'server-only';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import type { RemoteManifest } from '@/lib/imgapi/manifest';
import { blank, searchParamReader, withoutAbsent, type RawParams } from '@/lib/search-params';
import { getRepository } from './queries';

/** The browse page of one repository: its cached listing, filtered and paged in memory (at most a few thousand rows). */

export const REMOTE_PAGE_SIZE = 25;

export type RemoteImageFilters = { q?: string; os?: string; type?: string };

export type RemoteImageRow = {
  uuid: string;
  name: string;
  version: string;
  os: string;
  type: string;
  sizeBytes: number;
  compression: string;
  publishedAt: string | null;
  /** The image as it exists here already, by uuid. */
  imported: { id: string; name: string } | null;
  /** Another image here has this name: the import needs a new one. */
  nameTaken: boolean;
};

const text = (max: number) => z.preprocess(blank, z.string().trim().max(max).optional());

/** The schema of each search param; the JSON API documents its query parameters from these. */
export const REMOTE_IMAGE_SEARCH_FIELDS = {
  q: text(100),
  os: text(40),
  type: text(40),
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(100_000).optional()),
};

export function parseRemoteImageSearch(raw: RawParams) {
  const { value, ignored } = searchParamReader(raw, REMOTE_IMAGE_SEARCH_FIELDS, {
    q: 'search',
    os: 'OS',
    type: 'type',
    page: 'page',
  });
  const filters = withoutAbsent<RemoteImageFilters>({ q: value('q'), os: value('os'), type: value('type') });
  return { filters, page: value('page') ?? 1, ignored };
}

export async function browseRepository(
  user: UserContext,
  repositoryId: string,
  filters: RemoteImageFilters,
  askedPage: number,
) {
  const found = await getRepository(user, repositoryId);
  if (!found) return null;
  const { repository, manifests } = found;
  const q = filters.q?.toLowerCase();
  const matching = manifests
    .filter(
      (m) =>
        (!q || `${m.name} ${m.version} ${m.description ?? ''}`.toLowerCase().includes(q)) &&
        (!filters.os || m.os === filters.os) &&
        (!filters.type || m.type === filters.type),
    )
    .sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? '') || a.name.localeCompare(b.name));
  const pageCount = Math.max(1, Math.ceil(matching.length / REMOTE_PAGE_SIZE));
  const page = Math.min(askedPage, pageCount);
  const shown = matching.slice((page - 1) * REMOTE_PAGE_SIZE, page * REMOTE_PAGE_SIZE);
  return {
    repository,
    rows: await withLocalState(shown),
    total: matching.length,
    page,
    pageCount,
    options: { os: distinct(manifests.map((m) => m.os)), type: distinct(manifests.map((m) => m.type)) },
  };
}

async function withLocalState(manifests: RemoteManifest[]): Promise<RemoteImageRow[]> {
  const uuids = manifests.map((m) => m.uuid);
  const names = manifests.map((m) => m.name);
  const db = getDb();
  const byId = new Map(
    (await db.select({ id: images.id, name: images.name }).from(images).where(inArray(images.id, uuids))).map((i) => [
      i.id,
      i,
    ]),
  );
  const takenNames = new Set(
    (await db.select({ name: images.name }).from(images).where(inArray(images.name, names))).map((i) => i.name),
  );
  return manifests.map((m) => ({
    uuid: m.uuid,
    name: m.name,
    version: m.version,
    os: m.os,
    type: m.type,
    sizeBytes: m.files[0].size,
    compression: m.files[0].compression,
    publishedAt: m.published_at ?? null,
    imported: byId.get(m.uuid) ?? null,
    nameTaken: !byId.has(m.uuid) && takenNames.has(m.name),
  }));
}

const distinct = (values: string[]) => [...new Set(values)].sort();
