import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import { firstRow, getDb } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { ConflictError, ValidationError } from '@/lib/errors';
import { checksumFileName, fetchChecksum } from './checksum-url';
import { assertFormatRules } from './format-rules';
import type { ImageAttributes } from './schemas';

/** What create and edit both check and write for an image's attributes. */

/** Names are unique, and so is each version of an alias; `imageId` is the image being edited. */
export async function assertNameAndVersionFree(
  input: { name: string; alias?: string; version: string },
  imageId?: string,
): Promise<void> {
  const db = getDb();
  const notSelf = imageId ? ne(images.id, imageId) : undefined;
  if (
    await firstRow(
      db
        .select({ id: images.id })
        .from(images)
        .where(and(eq(images.name, input.name), notSelf)),
    )
  ) {
    throw new ConflictError('That name is taken.', { name: [`An image named "${input.name}" already exists.`] });
  }
  if (!input.alias) return;
  const sameVersion = await firstRow(
    db
      .select({ name: images.name })
      .from(images)
      .where(and(eq(images.alias, input.alias), eq(images.version, input.version), notSelf)),
  );
  if (sameVersion) {
    throw new ConflictError('That version exists.', {
      version: [`Version ${input.version} of alias "${input.alias}" already exists (image "${sameVersion.name}").`],
    });
  }
}

/** Every rule an image's attributes must keep beyond their own fields' validation. */
export async function assertAttributesAllowed(
  input: ImageAttributes,
  dcBoundId: string | null,
  imageId?: string,
): Promise<void> {
  await assertNameAndVersionFree(input, imageId);
  await assertFormatRules({ ...input, dcBoundId }, imageId);
}

/** The columns the attributes set; blanks become the model's defaults. */
export function attributeColumns(input: ImageAttributes) {
  return {
    name: input.name,
    alias: input.alias ?? null,
    version: input.version,
    description: input.description ?? '',
    osType: input.osType,
    category: input.category,
    diskFormat: input.diskFormat,
    containerFormat: input.containerFormat,
    kernelImageId: input.kernelImageId ?? null,
    ramdiskImageId: input.ramdiskImageId ?? null,
    minDiskGb: input.minDiskGb ?? 0,
    minRamMb: input.minRamMb ?? 0,
    bootType: input.bootType,
    resizable: input.resizable,
    shutdownAfterDeploy: input.shutdownAfterDeploy,
    tags: input.tags,
  };
}

type ChecksumInput = { checksumUrl?: string; sha256?: string; md5?: string; sourceUrl?: string | null };

/**
 * The checksums to store: those given, or the one read from the checksum URL for the file's name.
 * Fetching happens before anything is written, so a list that cannot be read changes nothing.
 */
export async function resolveChecksums(
  input: ChecksumInput,
  uploadFileName?: string,
): Promise<{ sha256?: string; md5?: string }> {
  if (!input.checksumUrl) return { sha256: input.sha256, md5: input.md5 };
  const fileName = checksumFileName(input.sourceUrl, uploadFileName);
  if (!fileName) {
    const message =
      'A checksums file is searched by the image file’s name; choose the file first, or give the checksum itself.';
    throw new ValidationError(message, { checksumUrl: [message] });
  }
  return fetchChecksum(input.checksumUrl, fileName);
}
