import 'server-only';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PublishFile, UploadOptions } from '@/lib/publish/target';
import { CloudError } from '@/lib/publish/target';
import type { S3State, SavedPart } from './s3-client';
import { s3ErrorCode } from '@/lib/s3/errors';
import { partCount, partRange, partSizeFor } from '@/lib/s3/parts';
import { s3Failure } from './s3-errors';
import { inPool, rangeSha256, rangeStream } from './s3-parts';
import { resumable } from './s3-resume';

/**
 * The multipart upload, written out rather than through @aws-sdk/lib-storage: lib-storage cannot
 * take over an existing upload id, nor say its id before it ends, and a resume needs both.
 */

// Parts sent at once: enough to fill a link, few enough that a stop is quick.
const PARALLEL_PARTS = 3;
const PARTS_SAVE_INTERVAL_MS = 2_000;
// Tries of one part before the failure goes to the job (which retries the whole upload, resuming).
const PART_ATTEMPTS = 3;

type Target = { bucket: string; key: string; metadata: Record<string, string> };

/** Uploads `file` to `target.key`, resuming `options.previous` where the server still has it. */
export async function uploadObject(
  client: S3Client,
  target: Target,
  file: PublishFile,
  options: UploadOptions,
): Promise<S3State> {
  const { signal } = options;
  let state = await resumable(client, target, file, options.previous, signal);
  if (state?.completed) {
    options.onProgress(file.sizeBytes);
    return state;
  }
  if (!state) {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        ChecksumAlgorithm: 'SHA256',
        ContentType: 'application/octet-stream',
        Metadata: target.metadata,
      }),
      { abortSignal: signal },
    );
    if (!created.UploadId) throw new CloudError('other', 'The S3 server started an upload without an upload id.');
    state = {
      bucket: target.bucket,
      key: target.key,
      uploadId: created.UploadId,
      sha256: file.sha256,
      partSize: partSizeFor(file.sizeBytes),
      parts: [],
      completed: false,
      manifestWritten: false,
    };
    // Saved before any byte goes, so a cancel or a crash from here on can abort it.
    await options.saveState(state);
  }

  const upload = state;
  const done = new Map(upload.parts.map((p) => [p.partNumber, p]));
  const count = partCount(file.sizeBytes, upload.partSize);
  const lengthOf = (n: number) => partRange(n, file.sizeBytes, upload.partSize).length;
  let committed = [...done.keys()].reduce((sum, n) => sum + lengthOf(n), 0);
  const sending = new Map<number, number>();
  const progress = () => options.onProgress(committed + [...sending.values()].reduce((a, b) => a + b, 0));
  progress();

  // The parts list grows with the file (up to 10,000 entries), and matters only on a server without
  // ListParts: saved after the first part, then every few seconds, not after each of thousands.
  let lastSaved = 0;
  const saveParts = async () => {
    if (Date.now() - lastSaved < PARTS_SAVE_INTERVAL_MS) return;
    lastSaved = Date.now();
    await options.saveState({ ...upload, parts: [...done.values()].sort((a, b) => a.partNumber - b.partNumber) });
  };

  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !done.has(n));
  await inPool(missing, PARALLEL_PARTS, async (n) => {
    const part = await sendPart(client, upload, file, n, signal, (bytes) => {
      sending.set(n, bytes);
      progress();
    });
    sending.delete(n);
    committed += lengthOf(n);
    done.set(n, part);
    await saveParts();
    progress();
  });

  const parts = [...done.values()].sort((a, b) => a.partNumber - b.partNumber);
  const result = await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: upload.bucket,
      Key: upload.key,
      UploadId: upload.uploadId,
      MultipartUpload: {
        Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ChecksumSHA256: p.sha256 })),
      },
    }),
    { abortSignal: signal },
  );
  // A finished object needs no parts list: verify() reads them again from the file by part size.
  state = { ...upload, parts: [], completed: true, etag: result.ETag };
  await options.saveState(state);
  return state;
}

async function sendPart(
  client: S3Client,
  upload: S3State,
  file: PublishFile,
  partNumber: number,
  signal: AbortSignal,
  onBytes: (sent: number) => void,
): Promise<SavedPart> {
  const { start, length } = partRange(partNumber, file.sizeBytes, upload.partSize);
  // Given up front, the checksum goes in a header: the SDK then sends the stream as it is, not
  // aws-chunked with a trailer (which S3-compatible servers do not all decode).
  const sha256 = await rangeSha256(file.path, start, length, signal);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await client.send(
        new UploadPartCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
          PartNumber: partNumber,
          Body: rangeStream(file.path, start, length, onBytes),
          ContentLength: length,
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: sha256,
        }),
        { abortSignal: signal },
      );
      if (!result.ETag) throw new CloudError('other', `The S3 server gave part ${partNumber} no ETag.`);
      return { partNumber, etag: result.ETag, sha256 };
    } catch (err) {
      const mapped = s3Failure(err, { endpoint: '', bucket: upload.bucket });
      // A gone upload takes no more parts: the job's next attempt starts a new one.
      const transient = mapped instanceof CloudError && mapped.transient && s3ErrorCode(err) !== 'NoSuchUpload';
      if (signal.aborted || !transient || attempt >= PART_ATTEMPTS) throw err;
      onBytes(0);
      await sleep(500 * 2 ** attempt, undefined, { signal });
    }
  }
}
