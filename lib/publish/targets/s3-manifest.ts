import 'server-only';
import crypto from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PublishedImageAttributes, PublishFile } from '@/lib/publish/target';

/**
 * The JSON object written beside each published file (`<key>.manifest.json`): the image's
 * attributes and the file's checksums, so that whoever finds the file in the bucket knows what it
 * is and can check it without the portal.
 */
export type S3Manifest = {
  manifestVersion: 1;
  image: PublishedImageAttributes;
  file: { key: string; format: string; sizeBytes: number; sha256: string; md5: string; sha512?: string };
};

export function s3Manifest(image: PublishedImageAttributes, file: PublishFile, key: string): S3Manifest {
  return {
    manifestVersion: 1,
    image: { ...image, tags: [...image.tags] },
    file: {
      key,
      format: file.diskFormat,
      sizeBytes: file.sizeBytes,
      sha256: file.sha256,
      md5: file.md5,
      ...(file.sha512 ? { sha512: file.sha512 } : {}),
    },
  };
}

/** Writes the manifest as `key`; returns its MD5 (hex), which a plain PUT's ETag is. */
export async function writeManifest(
  client: S3Client,
  where: { bucket: string; key: string },
  manifest: S3Manifest,
  signal: AbortSignal,
): Promise<string> {
  const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  await client.send(
    new PutObjectCommand({
      Bucket: where.bucket,
      Key: where.key,
      Body: body,
      ContentType: 'application/json',
      ChecksumSHA256: crypto.createHash('sha256').update(body).digest('base64'),
    }),
    { abortSignal: signal },
  );
  return crypto.createHash('md5').update(body).digest('hex');
}
