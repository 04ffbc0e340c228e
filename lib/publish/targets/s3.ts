import 'server-only';
import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3Secrets, S3Settings } from '@/lib/clouds/settings';
import type { CloudTarget, PublishedCopy } from '@/lib/publish/target';
import { manifestKey, objectKey, parseS3State, S3Connection, type S3State } from './s3-client';
import { s3ErrorCode } from '@/lib/s3/errors';
import { s3Manifest, writeManifest } from './s3-manifest';
import { uploadObject } from './s3-multipart';
import { partSizeFor } from '@/lib/s3/parts';
import { abortUpload } from './s3-resume';
import { verifyManifest, verifyObject } from './s3-verify';

/**
 * S3-compatible object storage (AWS S3, Ceph RGW, MinIO): the file as an object, by a resumable
 * multipart upload with a SHA-256 checksum per part, and a JSON manifest beside it.
 */
export function s3Target(settings: S3Settings, secrets: S3Secrets): CloudTarget {
  const connection = new S3Connection(settings, secrets);
  const bucket = settings.bucket;

  return {
    kind: 's3',
    // Objects are bytes: whatever the format, it is stored as it is.
    formatFor: (diskFormat) => diskFormat,
    digests: ['sha256', 'md5'],

    testConnection: (signal) =>
      connection.run(async (client) => {
        await client.send(
          new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, Prefix: settings.prefix || undefined }),
          {
            abortSignal: signal,
          },
        );
      }),

    upload: (image, file, options) =>
      connection.run(async (client) => {
        const key = objectKey(settings.prefix, image, file);
        const metadata = { 'portal-image-id': image.id, sha256: file.sha256 };
        let state = await uploadObject(client, { bucket, key, metadata }, file, options);
        const manifestMd5 = await writeManifest(
          client,
          { bucket, key: manifestKey(key) },
          s3Manifest(image, file, key),
          options.signal,
        );
        state = { ...state, manifestWritten: true, manifestMd5 };
        await options.saveState(state);
        return { remoteId: key, remoteUrl: `s3://${bucket}/${key}`, state } satisfies PublishedCopy;
      }),

    verify: (copy, file, signal) =>
      connection.run(async (client) => {
        const upload = copyState(copy, file.sizeBytes, file.sha256);
        const verified = await verifyObject(client, upload, file, signal);
        await verifyManifest(client, upload, signal);
        return verified;
      }),

    discard: (state, signal) =>
      connection.run(async (client) => {
        const upload = parseS3State(state);
        if (!upload) return;
        if (!upload.completed) return abortUpload(client, upload, signal);
        // Completed by this publication, which is being undone: the object and its manifest go.
        await deleteObjects(client, upload, signal);
      }),

    remove: (copy, signal) =>
      connection.run(async (client) => {
        await deleteObjects(client, copyState(copy, 0, ''), signal);
      }),
  };

  /** The copy's saved state; for a copy recorded without one, its key in this account's bucket. */
  function copyState(copy: PublishedCopy, size: number, sha256: string): S3State {
    return (
      parseS3State(copy.state) ?? {
        bucket,
        key: copy.remoteId,
        uploadId: '',
        sha256,
        partSize: partSizeFor(size),
        parts: [],
        completed: true,
        manifestWritten: true,
      }
    );
  }
}

/** Deletes the object and its manifest; either missing is no error (S3 deletes are idempotent, a gone bucket too). */
async function deleteObjects(client: S3Client, upload: S3State, signal: AbortSignal): Promise<void> {
  for (const key of [manifestKey(upload.key), upload.key]) {
    try {
      await client.send(new DeleteObjectCommand({ Bucket: upload.bucket, Key: key }), { abortSignal: signal });
    } catch (err) {
      if (s3ErrorCode(err) !== 'NoSuchBucket' && s3ErrorCode(err) !== 'NoSuchKey') throw err;
    }
  }
}
