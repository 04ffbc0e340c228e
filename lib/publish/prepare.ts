import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { UnavailableError, ValidationError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import type { ImageRow } from '@/lib/images/queries';
import type { JobContext } from '@/lib/jobs/context';
import { getConfig } from '@/lib/config';
import { imageStore } from '@/lib/store/image-store';
import { uploadTempName } from '@/lib/store/names';
import { reserveStoreSpace } from '@/lib/store/reservations';
import { hashFile, type DigestName } from './digests';
import type { CloudTarget, PublishFile } from './target';
import { convertToFixedVhd, isAzureReadyVhd } from './vhd';

const MIB = 1024 * 1024;
/** A fixed VHD is the disk rounded up to a whole MiB, plus its 512-byte footer. */
const fixedVhdBytes = (virtualBytes: number) => Math.ceil(virtualBytes / MIB) * MIB + 512;

/** `asIs` when the file sent is the stored file's bytes, unconverted. */
export type PreparedFile = { file: PublishFile; asIs: boolean; cleanup: () => Promise<void> };

/** Why an image cannot be published at all, or null: only files in the portal's store are. */
export function unpublishableReason(image: Pick<ImageRow, 'name' | 'storeFile' | 'status' | 'sha256' | 'md5'>) {
  if (!image.storeFile || !image.sha256 || !image.md5)
    return `${image.name} has no file in the portal's image store (its nodes download it from a URL); only stored images can be published.`;
  if (image.status !== 'ok')
    return `${image.name} is ${image.status}; only images whose file is ready can be published.`;
  return null;
}

/**
 * The file a target receives: the stored file as it is, or converted into the store's scratch space
 * when the cloud takes another format (Azure: a fixed VHD). The conversion reserves its size first,
 * so a full store refuses it before a byte is written; it is removed by `cleanup`, and at start-up
 * if the portal stopped meanwhile (it is an `.upload` temp file to the store).
 */
export async function preparePublishFile(
  ctx: JobContext,
  image: ImageRow,
  target: CloudTarget,
  scratchId: string,
): Promise<PreparedFile> {
  const refusal = unpublishableReason(image);
  if (refusal) throw new ValidationError(refusal);
  // A path on this host: the stored file itself, or a copy of it from an S3 store.
  const source = await imageStore().localFile(image.storeFile!, uploadTempName(`${scratchId}-source`));
  try {
    return await prepareFrom(ctx, image, target, scratchId, source.path, source.release);
  } catch (err) {
    await source.release();
    throw err;
  }
}

/** The rest of `preparePublishFile`, from the stored file at `stored`; `releaseStored` when done with it. */
async function prepareFrom(
  ctx: JobContext,
  image: ImageRow,
  target: CloudTarget,
  scratchId: string,
  stored: string,
  releaseStored: () => Promise<void>,
): Promise<PreparedFile> {
  const format = target.formatFor(image.diskFormat);
  // Azure takes only a fixed VHD of whole MiB: a dynamic VHD is converted like any other format.
  const asIs = format === image.diskFormat && (target.kind !== 'azure-blob' || (await isAzureReadyVhd(stored)));
  if (asIs) {
    const size = fs.statSync(stored).size;
    if (size !== image.sizeBytes)
      throw new UnavailableError(
        `The stored file of ${image.name} is ${formatBytes(size)}, not the ${formatBytes(image.sizeBytes ?? 0)} recorded.`,
      );
    // SHA-256 and MD5 were computed as the file entered the store. SHA-512, when a cloud compares
    // it, is computed alongside the image's first such upload (publish-one.ts) and kept.
    const file: PublishFile = {
      path: stored,
      sizeBytes: size,
      diskFormat: format,
      sha256: image.sha256!,
      md5: image.md5!,
      ...(image.sha512 ? { sha512: image.sha512 } : {}),
    };
    return { file, asIs: true, cleanup: releaseStored };
  }

  const scratch = path.join(getConfig().scratchDir, uploadTempName(scratchId));
  const bytes = fixedVhdBytes(image.virtualSizeBytes ?? image.sizeBytes ?? 0);
  const reservation = await reserveStoreSpace(
    uploadTempName(scratchId),
    bytes,
    `the ${format} conversion of ${image.name}`,
  );
  const cleanup = async () => {
    await reservation.release();
    await fs.promises.rm(scratch, { force: true });
  };
  try {
    ctx.log(
      'info',
      `Converting ${image.diskFormat} to ${format} (${formatBytes(bytes)}) in the image store's scratch space.`,
    );
    await convertToFixedVhd(stored, image.diskFormat, scratch, ctx.signal);
    // Converted: the stored file (or its copy) is no longer needed.
    await releaseStored();
    const size = fs.statSync(scratch).size;
    const digests = await hashWithProgress(
      ctx,
      scratch,
      ['sha256', 'md5', ...(target.digests.includes('sha512') ? (['sha512'] as const) : [])],
      size,
    );
    const file: PublishFile = {
      path: scratch,
      sizeBytes: size,
      diskFormat: format,
      sha256: digests.sha256!,
      md5: digests.md5!,
      ...(digests.sha512 ? { sha512: digests.sha512 } : {}),
    };
    return { file, asIs: false, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function hashWithProgress(ctx: JobContext, file: string, names: DigestName[], size: number) {
  ctx.progress(0, size);
  return hashFile(file, [...new Set(names)], { signal: ctx.signal, onProgress: (b) => ctx.progress(b, size) });
}
