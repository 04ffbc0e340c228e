import 'server-only';
import { requireImage } from './queries';
import { and, eq, inArray } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { firstRow, getDb } from '@/lib/db/client';
import { images, nodeImages } from '@/lib/db/tables';
import { ConflictError } from '@/lib/errors';
import { assertAttributesAllowed, attributeColumns, resolveChecksums } from './attributes';
import { imagesReferencing } from './format-rules';
import { replaceImageTags } from './tags';
import { FILE_BOUND_FIELDS, updateImageSchema, type UpdateImageInput } from './schemas';

type Image = typeof images.$inferSelect;

/**
 * Whether a file of this image exists: in the portal's store, or on a node (installed, on its way,
 * being removed, or reported missing by a sync). Installs were verified against its checksums then.
 */
export async function imageHasFile(image: Pick<Image, 'id' | 'storeFile'>): Promise<boolean> {
  if (image.storeFile) return true;
  const onNode = await firstRow(
    getDb()
      .select({ nodeId: nodeImages.nodeId })
      .from(nodeImages)
      .where(
        and(
          eq(nodeImages.imageId, image.id),
          inArray(nodeImages.state, ['installed', 'installing', 'removing', 'missing']),
        ),
      ),
  );
  return Boolean(onNode);
}

/** The file's fields as the edit leaves them; refuses what a file forbids. Omitted fields stay. */
async function fileColumns(image: Image, input: UpdateImageInput) {
  const kept = <K extends 'sourceUrl' | 'sha256' | 'md5' | 'sizeBytes'>(key: K) => input[key] ?? image[key];
  if (await imageHasFile(image)) {
    const changed = FILE_BOUND_FIELDS.filter((key) => input[key] !== undefined && input[key] !== image[key]);
    if (input.checksumUrl) changed.push('sha256');
    if (changed.length > 0) {
      const message = 'Fixed once the image has a file: installs were verified against it.';
      throw new ConflictError(
        `${image.name} has a file already, so its source, checksums, size and disk format cannot change.`,
        Object.fromEntries(
          changed.map((key) => [key === 'sha256' && input.checksumUrl ? 'checksumUrl' : key, [message]]),
        ),
      );
    }
    return {};
  }
  if (!image.sourceUrl && input.sourceUrl) {
    throw new ConflictError('An uploaded image’s file comes from the portal’s store, not a URL.', {
      sourceUrl: ['An uploaded image has no source URL.'],
    });
  }
  const sourceUrl = kept('sourceUrl');
  // A checksum read from a list replaces both: an older sum of the other kind may describe another file.
  const checksums = input.checksumUrl
    ? { sha256: null, md5: null, ...(await resolveChecksums({ checksumUrl: input.checksumUrl, sourceUrl })) }
    : { sha256: kept('sha256'), md5: kept('md5') };
  return { sourceUrl, sizeBytes: kept('sizeBytes'), ...checksums };
}

/** A kernel or ramdisk stays one while partition images boot with it. */
async function assertStillSuitsReferrers(image: Image, input: UpdateImageInput): Promise<void> {
  if (image.diskFormat === input.diskFormat) return;
  const referrers = await imagesReferencing(image.id, { includeDeleted: true });
  if (referrers.length > 0) {
    const names = referrers.map((r) => r.name).join(', ');
    throw new ConflictError(
      `${image.name} is the ${image.diskFormat === 'aki' ? 'kernel' : 'ramdisk'} of ${names}; its format cannot change.`,
      {
        diskFormat: [`Referenced by ${names}.`],
      },
    );
  }
}

/**
 * Edits an image's attributes. Everything that describes the image may change; what its
 * file fixes (source, checksums, size, disk format) may change only while no file exists yet.
 */
export const updateImage = defineOperation({
  name: 'image.update',
  targetType: 'image',
  input: updateImageSchema,
  authorize: async (input, user, note) => {
    const image = await requireImage(input.imageId);
    note({ targetId: image.id, dataCenterId: image.dcBoundId ?? undefined, details: { name: image.name } });
    authorize(user, 'image.manage', { image });
  },
  run: async (input) => {
    const image = await requireImage(input.imageId);
    if (image.purgeRequestedAt) throw new ConflictError(`${image.name} is being deleted permanently.`);
    await assertAttributesAllowed(input, image.dcBoundId, image.id);
    await assertStillSuitsReferrers(image, input);
    const values = { ...attributeColumns(input), ...(await fileColumns(image, input)) };
    const changed = (Object.keys(values) as (keyof typeof values)[]).filter(
      (key) => JSON.stringify(values[key] ?? null) !== JSON.stringify(image[key] ?? null),
    );
    await getDb().transaction(async (tx) => {
      await tx
        .update(images)
        .set({ ...values, updatedAt: now() })
        .where(eq(images.id, image.id));
      if (changed.includes('tags')) await replaceImageTags(tx, image.id, values.tags);
    });
    return { imageId: image.id, changed };
  },
  audited: (result, input) => ({ details: { name: input.name, changed: result.changed } }),
});
