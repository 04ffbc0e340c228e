import 'server-only';
import { and, eq, exists, sql, type SQL } from 'drizzle-orm';
import { getDb, type Tx } from '@/lib/db/client';
import { distinctValues } from '@/lib/db/distinct';
import { images, imageTags } from '@/lib/db/tables';

/**
 * image_tags: each image's tags as rows, beside images.tags (the list the API and IMGAPI give).
 * Whatever writes images.tags writes these in the same transaction, through this module, so the
 * Images page can filter by a tag and list the tags in use from an index, at any catalogue size.
 */

/** Records the tags of a new image. */
export async function insertImageTags(tx: Tx, imageId: string, tags: readonly string[]): Promise<void> {
  const unique = [...new Set(tags)];
  if (unique.length > 0) await tx.insert(imageTags).values(unique.map((tag) => ({ tag, imageId })));
}

/** Puts an edited image's tags in place of those it had. */
export async function replaceImageTags(tx: Tx, imageId: string, tags: readonly string[]): Promise<void> {
  await tx.delete(imageTags).where(eq(imageTags.imageId, imageId));
  await insertImageTags(tx, imageId, tags);
}

/** Images tagged `tag`: one lookup in image_tags' primary key per image. */
export function taggedWith(tag: string): SQL {
  return exists(
    getDb()
      .select({ one: sql`1` })
      .from(imageTags)
      .where(and(eq(imageTags.tag, tag), eq(imageTags.imageId, images.id))),
  );
}

/**
 * The tags of the images matching `where` (a condition on `images`), sorted: stepped through
 * image_tags' primary key (lib/db/distinct.ts), each step looking for the least tag above the last
 * whose image matches, a few lookups per tag whatever the number of images.
 */
export async function tagsInUse(where: SQL | undefined): Promise<string[]> {
  const tagged = sql`${imageTags} inner join ${images} on ${images.id} = ${imageTags.imageId}`;
  return distinctValues(imageTags.tag, tagged, where);
}
