import 'server-only';
import { asc, desc, type SQL } from 'drizzle-orm';
import { images } from '@/lib/db/tables';
import { likeContains, nameOrAliasLike } from '@/lib/images/listing';
import { likeIgnoringCase } from '@/lib/db/dialect';

/**
 * Search-as-you-type over images by name or alias, as the image pickers (Attach image, Record
 * machine) ask it: what the user typed, matched anywhere in the name or alias, ignoring ASCII case
 * (SQLite's LIKE; names and aliases are ASCII).
 */

/** The longest text a picker searches for; a name is at most this long anyway. */
export const IMAGE_SEARCH_MAX_LENGTH = 100;

/** The condition on images; none for an empty query, which lists every image in name order. */
export function imageNameOrAliasContains(query: string): SQL | undefined {
  const text = query.trim().slice(0, IMAGE_SEARCH_MAX_LENGTH);
  if (!text) return undefined;
  return nameOrAliasLike(likeContains(text));
}

/** Names starting with the query first, as people mostly type a name from its start; then by name. */
export function imageSearchOrder(query: string): SQL[] {
  const text = query.trim().slice(0, IMAGE_SEARCH_MAX_LENGTH);
  if (!text) return [asc(images.name)];
  // likeContains escapes the text; dropping its leading % leaves "starts with".
  const startsWith = likeContains(text).slice(1);
  return [desc(likeIgnoringCase(images.name, startsWith)), asc(images.name)];
}
