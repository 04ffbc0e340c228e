import 'server-only';
import { and, eq, exists, sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Tx } from '@/lib/db/client';
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
 * The tags of the images matching `where` (a condition on `images`), sorted. The distinct tags are
 * found by stepping through the primary key from one tag to the next (a recursive query: neither
 * database skips through an index by itself), a few lookups per tag whatever the number of images;
 * each is then kept if one image it tags matches. That test is a scalar subquery with LIMIT 1, not
 * EXISTS: PostgreSQL turns an EXISTS into a join of every tag row with every image, 150 ms at
 * 100,000 images, where looking for one image per tag takes about 1 ms.
 */
export async function tagsInUse(where: SQL | undefined): Promise<string[]> {
  const rows = await rawRows<{ tag: string }>(sql`
    with recursive vocabulary(tag) as (
      select min(${imageTags.tag}) from ${imageTags}
      union all
      select (select min(${imageTags.tag}) from ${imageTags} where ${imageTags.tag} > vocabulary.tag)
      from vocabulary where vocabulary.tag is not null
    )
    select vocabulary.tag as tag from vocabulary
    where vocabulary.tag is not null and (
      select 1 from ${imageTags} inner join ${images} on ${images.id} = ${imageTags.imageId}
      where ${imageTags.tag} = vocabulary.tag${where ? sql` and ${where}` : sql``}
      limit 1
    ) is not null
    order by vocabulary.tag`);
  return rows.map((r) => r.tag);
}
