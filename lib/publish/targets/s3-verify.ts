import 'server-only';
import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { PublishFile, VerifiedCopy } from '@/lib/publish/target';
import { CloudError } from '@/lib/publish/target';
import { manifestKey, type S3State } from './s3-client';
import { compositeSha256, multipartEtag, partDigests } from './s3-parts';

/**
 * Compares what the server says of the object with the file. In order of strength: the SHA-256
 * checksum S3 keeps when asked for one (of the whole object, or composite: of the parts'), then the
 * ETag, which is the MD5 of a plain upload or, for a multipart one, the MD5 of the parts' MD5s.
 * `compared` names what was actually compared, so `md5` only when the ETag was the file's MD5.
 */
export async function verifyObject(
  client: S3Client,
  upload: S3State,
  file: PublishFile,
  signal: AbortSignal,
): Promise<VerifiedCopy> {
  const head = await client.send(
    new HeadObjectCommand({ Bucket: upload.bucket, Key: upload.key, ChecksumMode: 'ENABLED' }),
    { abortSignal: signal },
  );
  const where = `s3://${upload.bucket}/${upload.key}`;
  if (head.ContentLength !== file.sizeBytes)
    throw new CloudError(
      'mismatch',
      `${where} holds ${head.ContentLength ?? 0} bytes; the file has ${file.sizeBytes}.`,
    );

  let digests: Awaited<ReturnType<typeof partDigests>> | undefined;
  const parts = async () => (digests ??= await partDigests(file.path, file.sizeBytes, upload.partSize, signal));
  const compared: Record<string, string> = {};
  const expect = (what: string, theirs: string, ours: string) => {
    if (theirs !== ours)
      throw new CloudError('mismatch', `${where}: the server's ${what} is ${theirs}; the file's is ${ours}.`);
    compared[what] = ours;
  };

  const checksum = head.ChecksumSHA256;
  if (checksum) {
    if (head.ChecksumType === 'FULL_OBJECT' || !checksum.includes('-'))
      expect('sha256', Buffer.from(checksum, 'base64').toString('hex'), file.sha256);
    else expect('sha256-composite', checksum, compositeSha256((await parts()).sha256));
  }

  const etag = head.ETag?.replace(/"/g, '').toLowerCase();
  const etagParts = /^([0-9a-f]{32})(?:-(\d+))?$/.exec(etag ?? '');
  // With SSE-KMS or SSE-C the ETag is no MD5 of anything we have.
  if (etag && etagParts && !encryptedWithKey(head)) {
    if (etagParts[2] === undefined) expect('md5', etag, file.md5);
    else expect('multipart-etag', etag, multipartEtag((await parts()).md5));
  }
  return { compared };
}

/** The manifest is there and is the one written (its ETag, the MD5 of a plain upload). */
export async function verifyManifest(client: S3Client, upload: S3State, signal: AbortSignal): Promise<void> {
  const key = manifestKey(upload.key);
  const head = await client
    .send(new HeadObjectCommand({ Bucket: upload.bucket, Key: key }), { abortSignal: signal })
    .catch((err: unknown) => {
      if (err instanceof Error && (err.name === 'NotFound' || err.name === 'NoSuchKey')) return undefined;
      throw err;
    });
  if (!head) throw new CloudError('mismatch', `The manifest s3://${upload.bucket}/${key} is missing.`);
  const etag = head.ETag?.replace(/"/g, '').toLowerCase();
  if (
    upload.manifestMd5 &&
    etag &&
    /^[0-9a-f]{32}$/.test(etag) &&
    !encryptedWithKey(head) &&
    etag !== upload.manifestMd5
  )
    throw new CloudError('mismatch', `The manifest s3://${upload.bucket}/${key} is not the one the portal wrote.`);
}

function encryptedWithKey(head: HeadObjectCommandOutput): boolean {
  return (
    head.ServerSideEncryption === 'aws:kms' ||
    head.ServerSideEncryption === 'aws:kms:dsse' ||
    !!head.SSECustomerAlgorithm
  );
}
