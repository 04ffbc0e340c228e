import 'server-only';
import {
  AbortMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  type Part,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PublishFile, RemoteState } from '@/lib/publish/target';
import { CloudError } from '@/lib/publish/target';
import { parseS3State, type S3State, type SavedPart } from './s3-client';
import { s3ErrorCode } from '@/lib/s3/errors';
import { partCount, partRange } from '@/lib/s3/parts';

/**
 * The earlier attempt's upload with the parts the server holds, or undefined to start afresh: no
 * earlier attempt, another key or file (the image was renamed or changed), or an upload the server
 * no longer has (aborted, or expired by a lifecycle rule).
 */
export async function resumable(
  client: S3Client,
  target: { bucket: string; key: string },
  file: PublishFile,
  previous: RemoteState | undefined,
  signal: AbortSignal,
): Promise<S3State | undefined> {
  const prev = parseS3State(previous);
  if (!prev) return undefined;
  if (prev.bucket !== target.bucket || prev.key !== target.key || prev.sha256 !== file.sha256) {
    // Not resumable, and nothing else will ever finish it: best effort, the new upload matters more.
    if (!prev.completed) await abortUpload(client, prev, signal).catch(() => undefined);
    return undefined;
  }
  if (prev.completed) {
    return (await objectSize(client, prev.bucket, prev.key, signal)) === file.sizeBytes ? prev : undefined;
  }
  const listed = await committedParts(client, prev, signal);
  if (listed === 'gone') return undefined;
  // A server without ListParts (s3rver): the parts saved as each was committed are what it holds.
  if (listed === undefined) return prev;

  const count = partCount(file.sizeBytes, prev.partSize);
  const saved = new Map(prev.parts.map((p) => [p.partNumber, p]));
  const parts = listed.flatMap((p): SavedPart[] => {
    const n = p.PartNumber;
    if (!n || n > count || !p.ETag || p.Size !== partRange(n, file.sizeBytes, prev.partSize).length) return [];
    const ours = saved.get(n)?.sha256;
    // A part whose checksum differs from the one we sent for it is sent again.
    if (ours && p.ChecksumSHA256 && p.ChecksumSHA256 !== ours) return [];
    return [{ partNumber: n, etag: p.ETag, sha256: p.ChecksumSHA256 ?? ours }];
  });
  return { ...prev, parts };
}

/** Every part the server lists for the upload; 'gone' when it has no such upload, undefined when it cannot list parts. */
async function committedParts(
  client: S3Client,
  upload: S3State,
  signal: AbortSignal,
): Promise<Part[] | undefined | 'gone'> {
  const parts: Part[] = [];
  let marker: string | undefined;
  try {
    for (;;) {
      const page = await client.send(
        new ListPartsCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
          PartNumberMarker: marker,
        }),
        { abortSignal: signal },
      );
      parts.push(...(page.Parts ?? []));
      if (!page.IsTruncated || !page.NextPartNumberMarker) return parts;
      marker = page.NextPartNumberMarker;
    }
  } catch (err) {
    const code = s3ErrorCode(err);
    if (code === 'NoSuchUpload') return 'gone';
    if (code === 'NotImplemented' || code === 'MethodNotAllowed') return undefined;
    throw err;
  }
}

/** Aborts the multipart upload; one the server no longer has is no error. */
export async function abortUpload(client: S3Client, upload: S3State, signal: AbortSignal): Promise<void> {
  try {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId }),
      { abortSignal: signal },
    );
  } catch (err) {
    const code = s3ErrorCode(err);
    if (code === 'NoSuchUpload' || code === 'NoSuchBucket') return;
    if (code === 'NotImplemented' || code === 'MethodNotAllowed') {
      throw new CloudError(
        'refused',
        `This S3 server cannot abort multipart uploads: the parts of upload ${upload.uploadId} of "${upload.key}" stay in the bucket "${upload.bucket}" until a lifecycle rule or an operator removes them.`,
        false,
        { cause: err },
      );
    }
    throw err;
  }
}

/** The object's size, or undefined when there is no such object. */
export async function objectSize(client: S3Client, bucket: string, key: string, signal: AbortSignal) {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return head.ContentLength;
  } catch (err) {
    const code = s3ErrorCode(err);
    if (code === 'NotFound' || code === 'NoSuchKey') return undefined;
    throw err;
  }
}
