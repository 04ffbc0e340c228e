import 'server-only';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { ConflictError, ValidationError } from '@/lib/errors';
import { assertAttributesAllowed, attributeColumns } from '@/lib/images/attributes';
import { insertImage } from '@/lib/images/insert';
import { createImageSchema, MAX_TAGS, type CreateImageInput } from '@/lib/images/schemas';
import type { ReceivedImage } from '@/lib/store/image-store';
import type { RemoteManifest } from '@/lib/imgapi/manifest';
import { attributesFromImgapiTags, categoryOf, osTypeFromImgapi } from '@/lib/imgapi/mapping';

/** What an import creates: the image's attributes, mapped from the manifest (lib/imgapi/mapping.ts). */
export type ImportPlan = {
  uuid: string;
  attributes: CreateImageInput;
  dcBoundId: string | null;
  access: 'public' | 'private';
  virtualSizeBytes: number | null;
};

const MIB = 1024 * 1024;
const MAX_DESCRIPTION = 2000;

/**
 * Maps a remote manifest to our image attributes and checks them with the same rules as a created
 * image, so an import can never store what the New image form would refuse. `name` overrides the
 * remote name, for a name that is taken or not valid here.
 */
export function planImport(manifest: RemoteManifest, options: { name?: string; dcBoundId: string | null }): ImportPlan {
  let osType;
  try {
    osType = osTypeFromImgapi(manifest.type, manifest.os);
  } catch (err) {
    throw new ValidationError((err as Error).message);
  }
  const fromTags = attributesFromImgapiTags(manifest.tags, MAX_TAGS);
  const bootrom = manifest.requirements?.bootrom;
  const imageSize = manifest.type === 'zvol' ? manifest.image_size : undefined;
  const parsed = createImageSchema.safeParse({
    name: options.name ?? manifest.name,
    version: manifest.version,
    description: (manifest.description ?? '').slice(0, MAX_DESCRIPTION),
    osType,
    category: categoryOf(osType),
    ...fromTags,
    minRamMb: manifest.requirements?.min_ram,
    minDiskGb: imageSize ? Math.ceil(imageSize / 1024) : undefined,
    bootType: bootrom === 'uefi' ? 'uefi' : 'bios',
    source: 'upload',
  });
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
    const problems = Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`);
    throw new ValidationError(`The remote image cannot be imported as it is (${problems.join('; ')}).`, fieldErrors);
  }
  return {
    uuid: manifest.uuid,
    attributes: parsed.data,
    dcBoundId: options.dcBoundId,
    access: manifest.public === false ? 'private' : 'public',
    virtualSizeBytes: imageSize ? imageSize * MIB : null,
  };
}

/** The import is refused when the image, or another one with its name, is already here. */
export async function assertImportable(plan: ImportPlan): Promise<void> {
  const db = getDb();
  const existing = await firstRow(db.select({ name: images.name }).from(images).where(eq(images.id, plan.uuid)));
  if (existing) throw new ConflictError(`Image ${plan.uuid} was already imported, as "${existing.name}".`);
  const sameName = await firstRow(
    db.select({ id: images.id }).from(images).where(eq(images.name, plan.attributes.name)),
  );
  if (sameName) {
    throw new ConflictError(
      `An image named "${plan.attributes.name}" already exists; import this one under another name.`,
      {
        name: [`An image named "${plan.attributes.name}" already exists.`],
      },
    );
  }
  await assertAttributesAllowed(plan.attributes, plan.dcBoundId);
}

/** Creates the image for a file now in the store; checked again, as the download took a while. */
export async function recordImportedImage(
  plan: ImportPlan,
  received: ReceivedImage,
  ownerId: string | null,
): Promise<void> {
  const at = now();
  await getDb().transaction(async (tx) => {
    await assertImportable(plan);
    await insertImage(tx, {
      id: plan.uuid,
      ...attributeColumns(plan.attributes),
      ...received,
      virtualSizeBytes: plan.virtualSizeBytes,
      dcBoundId: plan.dcBoundId,
      ownerId,
      access: plan.access,
      status: 'ok',
      createdAt: at,
      updatedAt: at,
    });
  });
}
