import 'server-only';
import { requireDataCenter } from '@/lib/locations/queries';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { newId, now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { ValidationError } from '@/lib/errors';
import { assertAttributesAllowed, attributeColumns, resolveChecksums } from './attributes';
import { insertImage } from './insert';
import { checkSourceUrl, unreachableSource } from './source-check';
import { createImageSchema } from './schemas';

/**
 * Registers an image. With the url source nodes download the file from its source URL; with the
 * upload source the image waits, `pending` and without a file, for the browser to push the file
 * into the portal's store (lib/store/upload.ts), which verifies it against any checksum given here
 * (as a value, or read from a checksums file's URL). A DC-bound image is attached to its own data
 * center at once (lib/images/insert.ts).
 */
export const createImage = defineOperation({
  name: 'image.create',
  targetType: 'image',
  input: createImageSchema,
  authorize: (input, user, note) => {
    note({ dataCenterId: input.dcBoundId ?? null, details: { name: input.name, version: input.version } });
    authorize(user, 'image.manage', { image: { dcBoundId: input.dcBoundId ?? null, access: input.access } });
  },
  run: async (input, user) => {
    const db = getDb();
    const dcBoundId = input.dcBoundId ?? null;
    await assertAttributesAllowed(input, dcBoundId);
    if (dcBoundId) await requireDataCenter(dcBoundId);
    const upload = input.source === 'upload';
    const sizeBytes = upload ? null : await checkedSize(input.sourceUrl!, input.sizeBytes, input.skipUrlCheck);
    const checksums = await resolveChecksums(
      { ...input, sourceUrl: upload ? null : input.sourceUrl },
      input.uploadFileName,
    );
    const id = newId();
    const at = now();
    await db.transaction(async (tx) =>
      insertImage(tx, {
        id,
        ...attributeColumns(input),
        ...checksums,
        sourceUrl: upload ? null : input.sourceUrl,
        // The real size and checksums of an upload come from the upload itself.
        sizeBytes,
        dcBoundId,
        ownerId: user.id,
        // Private until someone decides otherwise, as in Glance.
        access: input.access,
        // A URL image's checksum is only a claim until a node has hashed the file.
        status: upload ? 'pending' : 'unverified',
        protected: input.protected,
        createdAt: at,
        updatedAt: at,
      }),
    );
    return { id, awaitsUpload: upload };
  },
  audited: (result, input) => ({
    targetId: result.id,
    details: { name: input.name, version: input.version, source: input.source },
  }),
});

/**
 * The URL's size, checked before anything is saved: a 4xx or 5xx is refused at once, and an
 * unreachable URL only when the user said to save without checking. A size the user typed that
 * the server contradicts is a mistake in one of them, and is refused too.
 */
async function checkedSize(url: string, typed: number | null | undefined, skipUnreachable: boolean) {
  const check = await checkSourceUrl(url);
  if (!check.reachable) {
    if (skipUnreachable) return typed ?? null;
    throw unreachableSource(url, check.reason);
  }
  if (typed != null && check.sizeBytes != null && typed !== check.sizeBytes) {
    const message = `The server says the file is ${check.sizeBytes} bytes, not ${typed}. Correct the size or leave it empty.`;
    throw new ValidationError(message, { sizeBytes: [message] });
  }
  return typed ?? check.sizeBytes;
}

// The image's other operations live beside it, one concern each; this file is where they are all found.
export { setImageAttachment } from './attachment';
export { updateImage } from './edit';
export { changeImageLifecycle } from './lifecycle';
export { purgeImage } from './purge';
