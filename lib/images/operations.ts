import 'server-only';
import { and, eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { newId, now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { dataCenters, imageDataCenters, images } from '@/lib/db/schema';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { createImageSchema, type CreateImageInput } from './schemas';

/**
 * Registers an image. With the url source nodes download the file from its source URL; with the
 * upload source the image waits, `pending` and without a file, for the browser to push the file
 * into the portal's store (lib/store/upload.ts), which verifies it against any checksum given here.
 * A DC-bound image is attached to its own data center at once; a global one later, per data center.
 */
export const createImage = defineOperation({
  name: 'image.create',
  targetType: 'image',
  input: createImageSchema,
  authorize: (input, user, note) => {
    note({ dataCenterId: input.dcBoundId ?? null, details: { name: input.name, version: input.version } });
    authorize(user, 'image.manage', { image: { dcBoundId: input.dcBoundId ?? null, access: 'public' } });
  },
  run: (input, user) => {
    const db = getDb();
    assertImageIsNew(input);
    if (input.dcBoundId && !db.select({ id: dataCenters.id }).from(dataCenters).where(eq(dataCenters.id, input.dcBoundId)).get()) {
      throw new NotFoundError('The data center');
    }
    const id = newId();
    const at = now();
    const { source, ...fields } = input;
    const upload = source === 'upload';
    db.transaction((tx) => {
      tx.insert(images)
        .values({
          id,
          ...fields,
          sourceUrl: upload ? null : fields.sourceUrl,
          // The real size and checksums come from the upload itself.
          sizeBytes: upload ? null : fields.sizeBytes,
          alias: input.alias ?? null,
          description: input.description ?? '',
          minDiskGb: input.minDiskGb ?? 0,
          dcBoundId: input.dcBoundId ?? null,
          ownerId: user.id,
          access: 'public',
          status: upload ? 'pending' : 'ok',
          tags: [],
          createdAt: at,
          updatedAt: at,
        })
        .run();
      if (input.dcBoundId) {
        tx.insert(imageDataCenters).values({ imageId: id, dataCenterId: input.dcBoundId, attachedAt: at, attachedBy: user.id }).run();
      }
    });
    return { id, awaitsUpload: upload };
  },
  audited: (result, input) => ({ targetId: result.id, details: { name: input.name, version: input.version, source: input.source } }),
});

function assertImageIsNew(input: CreateImageInput): void {
  const db = getDb();
  if (db.select({ id: images.id }).from(images).where(eq(images.name, input.name)).get()) {
    throw new ConflictError('That name is taken.', { name: [`An image named "${input.name}" already exists.`] });
  }
  if (!input.alias) return;
  const sameVersion = db
    .select({ name: images.name })
    .from(images)
    .where(and(eq(images.alias, input.alias), eq(images.version, input.version)))
    .get();
  if (sameVersion) {
    throw new ConflictError('That version exists.', {
      version: [`Version ${input.version} of alias "${input.alias}" already exists (image "${sameVersion.name}").`],
    });
  }
}
