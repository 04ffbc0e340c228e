import 'server-only';
import { and, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import { getDb, firstRow } from '@/lib/db/client';
import type { ContainerFormat, DiskFormat } from '@/lib/db/enums';
import { images } from '@/lib/db/tables';
import { ValidationError } from '@/lib/errors';

/**
 * The format rules of Glance and Ironic, which the catalogue keeps:
 * - Amazon-style formats come in pairs: an `aki`, `ari` or `ami` disk has the same container format.
 * - `aki` images are kernels and `ari` images ramdisks. A partition image boots with one of each, so
 *   it names both; a whole-disk image (and a kernel, ramdisk or ISO itself) names neither.
 * - A kernel or ramdisk must exist, have the right format, not be deleted, and be usable wherever the
 *   image is: global, or bound to the image's own data center.
 */

const AMAZON_FORMATS = ['aki', 'ari', 'ami'] as const;
const isAmazon = (format: string) => (AMAZON_FORMATS as readonly string[]).includes(format);
/** Formats that cannot be booted as a partition image with a separate kernel. */
const NOT_PARTITION_FORMATS: readonly DiskFormat[] = ['aki', 'ari', 'iso'];

type FormatInput = {
  diskFormat: DiskFormat;
  containerFormat: ContainerFormat;
  kernelImageId?: string | null;
  ramdiskImageId?: string | null;
  dcBoundId: string | null;
};

type Role = { field: 'kernelImageId' | 'ramdiskImageId'; format: 'aki' | 'ari'; label: string };
const ROLES: Role[] = [
  { field: 'kernelImageId', format: 'aki', label: 'kernel' },
  { field: 'ramdiskImageId', format: 'ari', label: 'ramdisk' },
];

/** Throws a ValidationError with field messages when the formats or boot images break a rule. */
export async function assertFormatRules(input: FormatInput, imageId?: string): Promise<void> {
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);

  if ((isAmazon(input.diskFormat) || isAmazon(input.containerFormat)) && input.diskFormat !== input.containerFormat) {
    fail(
      'containerFormat',
      `An ${isAmazon(input.diskFormat) ? input.diskFormat : input.containerFormat} image has the same disk and container format.`,
    );
  }
  const partition = Boolean(input.kernelImageId || input.ramdiskImageId);
  if (partition && NOT_PARTITION_FORMATS.includes(input.diskFormat)) {
    fail(
      'kernelImageId',
      `A ${input.diskFormat} image cannot reference a kernel or ramdisk; only partition images do.`,
    );
  } else if (partition) {
    for (const role of ROLES) {
      const message = await bootImageProblem(role, input[role.field], input.dcBoundId, imageId);
      if (message) fail(role.field, message);
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError('Please correct the highlighted fields.', errors);
}

async function bootImageProblem(
  role: Role,
  referencedId: string | null | undefined,
  dcBoundId: string | null,
  imageId?: string,
): Promise<string | null> {
  if (!referencedId)
    return `A partition image needs both a kernel (aki) and a ramdisk (ari) image; choose its ${role.label}.`;
  if (referencedId === imageId) return `An image cannot be its own ${role.label}.`;
  const found = await firstRow(getDb().select().from(images).where(eq(images.id, referencedId)));
  if (!found) return `The chosen ${role.label} image does not exist.`;
  if (found.diskFormat !== role.format)
    return `${found.name} is ${found.diskFormat}, not a ${role.label} (${role.format}) image.`;
  if (found.access === 'deleted' || found.purgeRequestedAt)
    return `${found.name} is deleted; restore it or choose another ${role.label}.`;
  if (found.dcBoundId && found.dcBoundId !== dcBoundId)
    return `${found.name} belongs to another data center; choose a global ${role.label} or one of this image's data center.`;
  return null;
}

/** Images that boot with this one as their kernel or ramdisk, other than those already deleted. */
export async function imagesReferencing(imageId: string, options: { includeDeleted?: boolean } = {}) {
  return await getDb()
    .select({ id: images.id, name: images.name })
    .from(images)
    .where(
      and(
        or(eq(images.kernelImageId, imageId), eq(images.ramdiskImageId, imageId)),
        options.includeDeleted ? undefined : ne(images.access, 'deleted'),
      ),
    );
}

/**
 * Kernel and ramdisk images the user can see, for the form's choices; the server still checks that
 * the chosen ones suit the image's data center.
 */
export async function bootImageChoices(visibleDataCenterIds: string[] | null) {
  const usable = (
    await getDb()
      .select({
        id: images.id,
        name: images.name,
        version: images.version,
        diskFormat: images.diskFormat,
        dcBoundId: images.dcBoundId,
      })
      .from(images)
      .where(
        and(inArray(images.diskFormat, ['aki', 'ari']), ne(images.access, 'deleted'), isNull(images.purgeRequestedAt)),
      )
      .orderBy(images.name)
  ).filter((i) => i.dcBoundId === null || !visibleDataCenterIds || visibleDataCenterIds.includes(i.dcBoundId));
  const option = (i: (typeof usable)[number]) => ({ value: i.id, label: `${i.name} (${i.version})` });
  return {
    kernels: usable.filter((i) => i.diskFormat === 'aki').map(option),
    ramdisks: usable.filter((i) => i.diskFormat === 'ari').map(option),
  };
}

/** The kernel and ramdisk a partition image boots with, by name, for Image Details. */
export async function bootImagesOf(image: { kernelImageId: string | null; ramdiskImageId: string | null }) {
  const ids = [image.kernelImageId, image.ramdiskImageId].filter((v): v is string => Boolean(v));
  const found = ids.length
    ? await getDb().select({ id: images.id, name: images.name }).from(images).where(inArray(images.id, ids))
    : [];
  const named = (imageId: string | null) => found.find((i) => i.id === imageId) ?? null;
  return { kernel: named(image.kernelImageId), ramdisk: named(image.ramdiskImageId) };
}
