import 'server-only';
import { requireImage } from './queries';
import { and, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { firstRow, getDb } from '@/lib/db/client';
import { images, nodeImages } from '@/lib/db/tables';
import { ConflictError } from '@/lib/errors';
import { id } from '@/lib/validation';
import { imagesReferencing } from './format-rules';

/**
 * An image's lifecycle short of its permanent removal: enable and disable, its access
 * (public, private, or `deleted`: hidden and unusable for new machines, yet restorable), and the
 * protected flag, which, as in Glance, refuses delete and disable until it is cleared.
 */

type Image = typeof images.$inferSelect;

const lifecycleSchema = z.discriminatedUnion('change', [
  z.object({ imageId: id, change: z.literal('status'), status: z.enum(['ok', 'disabled']) }),
  z.object({ imageId: id, change: z.literal('access'), access: z.enum(['public', 'private', 'deleted']) }),
  z.object({
    imageId: id,
    change: z.literal('protected'),
    protected: z.preprocess((v) => v === true || v === 'true', z.boolean()),
  }),
]);
type LifecycleInput = z.output<typeof lifecycleSchema>;

/** The refusal for this change, or null when it may go ahead. */
export async function lifecycleRefusal(image: Image, input: LifecycleInput): Promise<string | null> {
  if (image.purgeRequestedAt) return `${image.name} is being deleted permanently; it can no longer change.`;
  const what = input.change === 'status' ? input.status : input.change === 'access' ? input.access : null;
  if (image.protected && (what === 'disabled' || what === 'deleted')) {
    return `${image.name} is protected: clear the protected flag before you ${what === 'disabled' ? 'disable' : 'delete'} it.`;
  }
  if (what === 'deleted' && image.access !== 'deleted') {
    const referrers = await imagesReferencing(image.id);
    if (referrers.length > 0)
      return `${image.name} cannot be deleted: ${referrers.map((r) => r.name).join(', ')} boot${referrers.length > 1 ? '' : 's'} with it.`;
  }
  if (input.change === 'status' && !['ok', 'unverified', 'disabled'].includes(image.status)) {
    return `${image.name} is ${image.status}; only a usable image can be enabled or disabled.`;
  }
  return null;
}

export const changeImageLifecycle = defineOperation({
  name: 'image.lifecycle',
  targetType: 'image',
  input: lifecycleSchema,
  authorize: async (input, user, note) => {
    const image = await requireImage(input.imageId);
    note({ targetId: image.id, dataCenterId: image.dcBoundId ?? undefined, details: { change: input.change } });
    authorize(user, 'image.manage', { image });
  },
  run: async (input) => {
    const image = await requireImage(input.imageId);
    const refusal = await lifecycleRefusal(image, input);
    if (refusal) throw new ConflictError(refusal);
    const set =
      input.change === 'status'
        ? { status: input.status === 'ok' && !(await isVerified(image)) ? ('unverified' as const) : input.status }
        : input.change === 'access'
          ? { access: input.access }
          : { protected: input.protected };
    await getDb()
      .update(images)
      .set({ ...set, updatedAt: now() })
      .where(eq(images.id, image.id));
    return { imageId: image.id, ...set };
  },
  audited: (result) => ({ details: { ...result } }),
});

/** Enabling brings an image back to what it was: verified once a node hashed it or its file is in the store. */
async function isVerified(image: { id: string; storeFile: string | null }): Promise<boolean> {
  if (image.storeFile) return true;
  const hashed = await firstRow(
    getDb()
      .select({ imageId: nodeImages.imageId })
      .from(nodeImages)
      .where(and(eq(nodeImages.imageId, image.id), isNotNull(nodeImages.verifiedSha256))),
  );
  return hashed !== undefined;
}
