import 'server-only';
import {
  and,
  asc,
  type Column,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  type SQL,
} from 'drizzle-orm';
import { firstRow, getDb } from '@/lib/db/client';
import { DISK_FORMATS, OS_TYPES } from '@/lib/db/enums';
import { images } from '@/lib/db/tables';
import { imageNotFound } from './errors';
import type { ListParams, TextFilter } from './list-params';
import type { ServableImage } from '@/lib/imgapi/manifest';
import { imgapiKindOf } from '@/lib/imgapi/mapping';
import { containsExactly } from '@/lib/db/dialect';

/**
 * The images the portal's IMGAPI serves: public, ok, not being purged, and with a whole,
 * hashed file in the portal store. Anything else does not exist as far as IMGAPI clients can tell.
 */
const SERVED: SQL = and(
  eq(images.access, 'public'),
  eq(images.status, 'ok'),
  isNotNull(images.storeFile),
  isNotNull(images.sha1),
  isNotNull(images.sizeBytes),
  isNull(images.purgeRequestedAt),
)!;

export async function getServedImage(uuid: string): Promise<ServableImage | null> {
  const row = await firstRow(
    getDb()
      .select()
      .from(images)
      .where(and(SERVED, eq(images.id, uuid.toLowerCase()))),
  );
  return (row as ServableImage | undefined) ?? null;
}

/**
 * Where a page starts. For an image: (createdAt, id) >= the marker's, or <= when descending, so the
 * marker row itself is on the page. For a date: published_at >= it, as IMGAPI compares, whatever the
 * sort. An image we do not serve is unknown, as it is to GetImage.
 */
async function markerCondition(marker: NonNullable<ListParams['marker']>, descending: boolean): Promise<SQL> {
  if ('since' in marker) return gte(images.createdAt, marker.since);
  const image = await getServedImage(marker.uuid);
  if (!image) throw imageNotFound(marker.uuid);
  const [after, atOrAfter] = descending ? [lt, lte] : [gt, gte];
  return or(
    after(images.createdAt, image.createdAt),
    and(eq(images.createdAt, image.createdAt), atOrAfter(images.id, image.id)),
  )!;
}

/**
 * One page of ListImages, ordered by published_at (createdAt) and then id, so that pages never
 * skip or repeat images that share a timestamp. The marker image itself is included, as IMGAPI
 * does: sdc-clients drops a first element equal to the marker it sent. An unknown marker is
 * ResourceNotFound, as in IMGAPI (it looks the marker image up first).
 */
export async function listServedImages(params: ListParams): Promise<ServableImage[]> {
  // We only hold active images; asking for any other state is asking for nothing.
  if (params.state !== 'active' && params.state !== 'all') return [];
  if (params.onlyPrivate) return [];
  const conditions: SQL[] = [SERVED];
  if (params.name) conditions.push(textCondition(images.name, params.name));
  if (params.version) conditions.push(textCondition(images.version, params.version));
  if (params.os !== undefined || params.type !== undefined) {
    const kinds = kindCondition(params.os, params.type);
    if (!kinds) return [];
    conditions.push(kinds);
  }
  if (params.marker) conditions.push(await markerCondition(params.marker, params.descending));
  const order = params.descending ? [desc(images.createdAt), desc(images.id)] : [asc(images.createdAt), asc(images.id)];
  return (await getDb()
    .select()
    .from(images)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(params.limit)) as ServableImage[];
}

function textCondition(column: Column, filter: TextFilter): SQL {
  if ('equals' in filter) return eq(column, filter.equals);
  // Not LIKE: no wildcard characters in the client's text to escape, and case-sensitive like IMGAPI.
  return containsExactly(column, filter.contains);
}

/**
 * IMGAPI `os` and `type` are computed from our osType and diskFormat (lib/imgapi/mapping.ts). The
 * table is small, so we run it backwards: every (osType, diskFormat) pair whose kind matches, as a
 * SQL condition. Filtering in SQL keeps `limit` and `marker` exact. Null when nothing can match.
 */
function kindCondition(os: string | undefined, type: ListParams['type']): SQL | null {
  const byOsType = OS_TYPES.map((osType) => {
    const formats = DISK_FORMATS.filter((diskFormat) => {
      const kind = imgapiKindOf({ osType, diskFormat });
      const typeMatches = type === undefined || ('equals' in type ? kind.type === type.equals : kind.type !== type.not);
      return (os === undefined || kind.os === os) && typeMatches;
    });
    if (formats.length === 0) return null;
    const ofOsType = eq(images.osType, osType);
    return formats.length === DISK_FORMATS.length ? ofOsType : and(ofOsType, inArray(images.diskFormat, formats))!;
  }).filter((c): c is SQL => c !== null);
  return byOsType.length === 0 ? null : or(...byOsType)!;
}
