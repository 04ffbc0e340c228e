import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GetObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { S3Settings } from '@/lib/clouds/settings';
import { OutboundRefusedError } from '@/lib/net/outbound';
import type { RemoteState } from '@/lib/publish/target';
import { s3Target } from '@/lib/publish/targets/s3';
import { freePort } from '@/scripts/lib/ports';
import { startS3Server, type S3Server } from '@/scripts/lib/services/s3-server';
import {
  allowOutbound,
  cloudError,
  imageAttributes,
  MiB,
  publishFile,
  recordingOptions,
  settled,
  sha256Of,
  writeDisk,
} from '../support/publish-files';

const BUCKET = 'images';
const PREFIX = 'published/';
const PARTS_OF_20_MIB = [1, 2, 3]; // 8 MiB parts

describe('the S3 target against a real S3 server (s3rver)', () => {
  let s3: S3Server;
  /** s3rver as published: no ListParts, AbortMultipartUpload or ListMultipartUploads. */
  let plain: S3Server;
  let disk20: string;
  let disk40: string;
  let undoOutbound: (() => void) | undefined;

  beforeAll(async () => {
    [s3, plain] = await Promise.all([
      startS3Server({ host: '127.0.0.190' }),
      startS3Server({ host: '127.0.0.191', multipartListing: false }),
    ]);
    await Promise.all([s3.createBucket(BUCKET), plain.createBucket(BUCKET)]);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-publish-s3-'));
    const layout = (mib: number) =>
      Array.from({ length: mib }, (_, i): 'zero' | 'data' => (i % 5 === 2 ? 'zero' : 'data'));
    disk20 = writeDisk(path.join(scratch, 'disk20.raw'), layout(20), 12_345);
    disk40 = writeDisk(path.join(scratch, 'disk40.raw'), layout(40));
  });
  afterAll(async () => {
    await Promise.all([s3?.stop(), plain?.stop()]);
  });
  afterEach(() => {
    undoOutbound?.();
    undoOutbound = undefined;
  });

  const settings = (server: S3Server, overrides: Partial<S3Settings> = {}): S3Settings => ({
    endpoint: server.endpoint,
    region: server.region,
    bucket: BUCKET,
    prefix: PREFIX,
    forcePathStyle: true,
    accessKeyId: server.accessKeyId,
    ...overrides,
  });
  const target = (server = s3, overrides: Partial<S3Settings> = {}) =>
    s3Target(settings(server, overrides), { secretAccessKey: server.secretAccessKey });
  const signal = () => new AbortController().signal;

  // The tests read what the server holds with a client of their own.
  const client = (server: S3Server) =>
    new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
  const bytesOf = async (server: S3Server, key: string) => {
    const object = await client(server).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  };
  const keysIn = async (server: S3Server) =>
    ((await client(server).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }))).Contents ?? []).map(
      (o) => o.Key,
    );
  const uploadsOf = async (key: string) =>
    ((await client(s3).send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).filter(
      (u) => u.Key === key,
    );
  /** The part numbers the server received since request number `since`. */
  const partsSent = async (server: S3Server, since: number) =>
    (await server.requests())
      .slice(since)
      .filter((r) => r.query['x-id'] === 'UploadPart')
      .map((r) => Number(r.query.partNumber))
      .sort((a, b) => a - b);

  /** Starts an upload and aborts it as soon as its first part is committed; returns what it saved. */
  async function abortedUpload(server: S3Server, name: string, file = publishFile(disk40, 'raw')) {
    const controller = new AbortController();
    const first = recordingOptions(undefined, controller.signal);
    const save = first.options.saveState;
    first.options.saveState = async (state) => {
      await save(state);
      if ((state.parts as unknown[]).length >= 1) controller.abort();
    };
    await expect(target(server).upload(imageAttributes({ name }), file, first.options)).rejects.toThrow();
    const saved = first.last() as RemoteState & { uploadId: string; key: string; parts: { partNumber: number }[] };
    expect(saved.parts.length).toBeGreaterThanOrEqual(1);
    return { file, saved };
  }

  it('tests the connection with a one-item listing of the bucket', async () => {
    await expect(target().testConnection(signal())).resolves.toBeUndefined();
    const listing = (await s3.requests()).at(-1);
    expect(listing).toMatchObject({ method: 'GET', path: `/${BUCKET}/`, status: 200 });
    expect(listing?.query).toMatchObject({ 'list-type': '2', 'max-keys': '1', prefix: PREFIX });
  });

  it('publishes a raw image: the same bytes, a manifest beside it, the upload saved before its first part', async () => {
    const image = imageAttributes({ name: 'debian-12', version: '20240601' });
    const file = publishFile(disk20, 'raw');
    const recorded = recordingOptions();
    const since = (await s3.requests()).length;

    const copy = await target().upload(image, file, recorded.options);

    const key = `${PREFIX}debian-12-20240601.raw`;
    expect(copy.remoteId).toBe(key);
    expect(copy.remoteUrl).toBe(`s3://${BUCKET}/${key}`);
    const bytes = await bytesOf(s3, key);
    expect(bytes.length).toBe(file.sizeBytes);
    expect(sha256Of(bytes)).toBe(file.sha256);
    expect(JSON.parse((await bytesOf(s3, `${key}.manifest.json`)).toString())).toEqual({
      manifestVersion: 1,
      image,
      file: { key, format: 'raw', sizeBytes: file.sizeBytes, sha256: file.sha256, md5: file.md5 },
    });

    expect(recorded.states[0]).toMatchObject({ bucket: BUCKET, key, parts: [], completed: false });
    expect(recorded.states[0]!.uploadId).toEqual(expect.any(String));
    expect(await partsSent(s3, since)).toEqual(PARTS_OF_20_MIB);
    expect(Math.max(...recorded.progress)).toBe(file.sizeBytes);
    expect(recorded.progress.at(-1)).toBe(file.sizeBytes);
    expect(copy.state).toMatchObject({ completed: true, manifestWritten: true });
    expect(await uploadsOf(key)).toEqual([]);

    // s3rver keeps no checksums and gives a multipart object the whole file's MD5 as its ETag: that is what is compared.
    expect(await target().verify(copy, file, signal())).toEqual({ compared: { md5: file.md5 } });
  });

  it('verify says so when the object is not the file', async () => {
    const file = publishFile(disk20, 'raw');
    const copy = await target().upload(imageAttributes({ name: 'tampered' }), file, recordingOptions().options);
    const other = Buffer.from(fs.readFileSync(disk20));
    other.writeUInt8(other.readUInt8(5) ^ 0xff, 5);
    await client(s3).send(new PutObjectCommand({ Bucket: BUCKET, Key: copy.remoteId, Body: other }));
    const err = await cloudError(target().verify(copy, file, signal()), 'mismatch');
    expect(err.message).toContain(file.md5);

    await client(s3).send(new PutObjectCommand({ Bucket: BUCKET, Key: copy.remoteId, Body: other.subarray(1) }));
    expect((await cloudError(target().verify(copy, file, signal()), 'mismatch')).message).toMatch(/holds \d+ bytes/);
  });

  it('resumes an aborted upload: ListParts says what the server holds, only the other parts are sent', async () => {
    const { file, saved } = await abortedUpload(s3, 'resumed');
    const held = await settled(async () =>
      (
        (await client(s3).send(new ListPartsCommand({ Bucket: BUCKET, Key: saved.key, UploadId: saved.uploadId })))
          .Parts ?? []
      ).map((p) => p.PartNumber!),
    );
    expect(held.length).toBeGreaterThanOrEqual(1);
    const since = (await s3.requests()).length;

    const second = recordingOptions(saved);
    const copy = await target().upload(imageAttributes({ name: 'resumed' }), file, second.options);

    expect(await partsSent(s3, since)).toEqual([1, 2, 3, 4, 5].filter((n) => !held.includes(n)));
    // The same multipart upload was carried on, and the bytes held counted from the start.
    expect(second.states.every((s) => s.uploadId === saved.uploadId)).toBe(true);
    expect(second.progress[0]).toBe(held.length * 8 * MiB);
    expect(sha256Of(await bytesOf(s3, copy.remoteId))).toBe(file.sha256);
    expect(await target().verify(copy, file, signal())).toEqual({ compared: { md5: file.md5 } });
    expect(await uploadsOf(copy.remoteId)).toEqual([]);
  });

  it('on a server without ListParts, resumes from the parts saved as each was committed', async () => {
    const { file, saved } = await abortedUpload(plain, 'resumed-plain');
    const savedParts = saved.parts.map((p) => p.partNumber);
    const since = (await plain.requests()).length;

    const copy = await target(plain).upload(
      imageAttributes({ name: 'resumed-plain' }),
      file,
      recordingOptions(saved).options,
    );

    expect((await plain.requests()).slice(since)).toContainEqual(
      expect.objectContaining({ method: 'GET', status: 405, query: expect.objectContaining({ 'x-id': 'ListParts' }) }),
    );
    expect(await partsSent(plain, since)).toEqual([1, 2, 3, 4, 5].filter((n) => !savedParts.includes(n)));
    expect(sha256Of(await bytesOf(plain, copy.remoteId))).toBe(file.sha256);
  });

  it('discards an aborted upload: no multipart upload, object or manifest is left; again is no error', async () => {
    const { saved } = await abortedUpload(s3, 'discarded');
    expect(await uploadsOf(saved.key)).toHaveLength(1);

    await target().discard(saved, signal());

    expect(await uploadsOf(saved.key)).toEqual([]);
    expect(await keysIn(s3)).not.toContain(saved.key);
    expect(await keysIn(s3)).not.toContain(`${saved.key}.manifest.json`);
    await expect(target().discard(saved, signal())).resolves.toBeUndefined();
  });

  it('says plainly when the server cannot abort a multipart upload', async () => {
    const { saved } = await abortedUpload(plain, 'not-abortable');
    const err = await cloudError(target(plain).discard(saved, signal()), 'refused');
    expect(err.message).toContain('cannot abort multipart uploads');
  });

  it('removes a published copy and its manifest; removing it again is no error', async () => {
    const copy = await target().upload(
      imageAttributes({ name: 'removed' }),
      publishFile(disk20, 'raw'),
      recordingOptions().options,
    );
    expect(await keysIn(s3)).toEqual(expect.arrayContaining([copy.remoteId, `${copy.remoteId}.manifest.json`]));

    await target().remove(copy, signal());
    expect(await keysIn(s3)).not.toContain(copy.remoteId);
    expect(await keysIn(s3)).not.toContain(`${copy.remoteId}.manifest.json`);
    await expect(target().remove(copy, signal())).resolves.toBeUndefined();
  });

  it('refuses a wrong access key or secret with a clear message, and leaves nothing', async () => {
    const wrongKey = () => target(s3, { accessKeyId: 'NOT-A-KEY' });
    expect((await cloudError(wrongKey().testConnection(signal()), 'credentials')).message).toBe(
      `${s3.endpoint} refused the credentials (InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.): check the access key ID and the secret access key.`,
    );
    const wrongSecret = () => s3Target(settings(s3), { secretAccessKey: 'not-the-secret' });
    const secretRefused = await cloudError(wrongSecret().testConnection(signal()), 'credentials');
    expect(secretRefused.message).toContain(`${s3.endpoint} refused the credentials (SignatureDoesNotMatch: `);
    expect(secretRefused.message).toContain('check the access key ID and the secret access key.');

    for (const [name, wrong] of [
      ['wrong-key', wrongKey],
      ['wrong-secret', wrongSecret],
    ] as const) {
      const recorded = recordingOptions();
      await cloudError(
        wrong().upload(imageAttributes({ name }), publishFile(disk20, 'raw'), recorded.options),
        'credentials',
      );
      expect(recorded.states).toEqual([]);
      expect(await uploadsOf(`${PREFIX}${name}-20240601.raw`)).toEqual([]);
      expect(await keysIn(s3)).not.toContain(`${PREFIX}${name}-20240601.raw`);
    }
  });

  it('says an endpoint nothing listens on is unreachable', async () => {
    const port = await freePort('127.0.0.194');
    const endpoint = `http://127.0.0.194:${port}`;
    const closed = () => target(s3, { endpoint });
    const err = await cloudError(closed().testConnection(signal()), 'unreachable');
    expect(err.message).toBe(`Could not reach ${endpoint}: the connection was refused.`);
    expect(err.transient).toBe(true);
    const recorded = recordingOptions();
    await cloudError(
      closed().upload(imageAttributes({ name: 'closed' }), publishFile(disk20, 'raw'), recorded.options),
      'unreachable',
    );
    expect(recorded.states).toEqual([]);
  });

  it('says a missing bucket is not found, and creates nothing', async () => {
    const missing = () => target(s3, { bucket: 'no-such-bucket' });
    const err = await cloudError(missing().testConnection(signal()), 'not-found');
    expect(err.message).toBe(`The bucket "no-such-bucket" does not exist at ${s3.endpoint}.`);
    const recorded = recordingOptions();
    await cloudError(
      missing().upload(imageAttributes({ name: 'nowhere' }), publishFile(disk20, 'raw'), recorded.options),
      'not-found',
    );
    expect(recorded.states).toEqual([]);
    const buckets = (await client(s3).send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    expect(buckets).toEqual([BUCKET]);
  });

  it('does not connect to a loopback endpoint unless PORTAL_OUTBOUND_ALLOW lists it', async () => {
    undoOutbound = allowOutbound('192.0.2.0/24');
    const since = (await s3.requests()).length;
    const refused = await target()
      .testConnection(signal())
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutboundRefusedError);
    expect((refused as Error).message).toContain('127.0.0.190');
    expect((refused as Error).message).toContain('PORTAL_OUTBOUND_ALLOW');

    // A host name is checked on the address it resolves to, inside the SDK's own connection.
    const byName = s3Target(settings(s3, { endpoint: s3.endpoint.replace('127.0.0.190', 'localhost') }), {
      secretAccessKey: s3.secretAccessKey,
    });
    const recorded = recordingOptions();
    const upload = await byName
      .upload(imageAttributes({ name: 'guarded' }), publishFile(disk20, 'raw'), recorded.options)
      .catch((e: unknown) => e);
    expect(upload).toBeInstanceOf(OutboundRefusedError);
    expect((upload as Error).message).toMatch(/^Refused to connect to localhost: localhost resolves to /);
    expect(recorded.states).toEqual([]);
    expect((await s3.requests()).length).toBe(since);
  });
});
