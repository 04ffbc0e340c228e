import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HEAD_BYTES, TAIL_BYTES, VMDK_AREA } from '@/lib/images/file-safety';
import { storeEnvSchema, storeLocation } from '@/lib/store/location';
import { HeadAndTail } from '@/lib/store/s3/head-and-tail';

const parse = (env: Record<string, string>) => storeLocation(storeEnvSchema.parse(env), '/srv/portal');
const keys = { PORTAL_STORE_S3_ACCESS_KEY_ID: 'id', PORTAL_STORE_S3_SECRET_ACCESS_KEY: 'secret' };

describe('PORTAL_STORE', () => {
  it('is images/ in the data directory when unset', () => {
    expect(parse({})).toEqual({ kind: 'local', dir: '/srv/portal/images' });
  });

  it('names a bucket and a prefix, path-style by default only with an endpoint of its own', () => {
    expect(parse({ PORTAL_STORE: 's3://images.example/portal/eu/', ...keys })).toEqual({
      kind: 's3',
      bucket: 'images.example',
      prefix: 'portal/eu/',
      endpoint: undefined,
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: false,
    });
    expect(
      parse({ PORTAL_STORE: 's3://images', PORTAL_STORE_S3_ENDPOINT: 'http://10.0.0.5:9000/', ...keys }),
    ).toMatchObject({ prefix: '', endpoint: 'http://10.0.0.5:9000', forcePathStyle: true });
  });

  it('says which setting is wrong', () => {
    expect(() => parse({ PORTAL_STORE: '/srv/images', ...keys })).toThrow(/PORTAL_STORE must be s3:\/\/bucket/);
    expect(() => parse({ PORTAL_STORE: 's3://Bad_Bucket', ...keys })).toThrow(/PORTAL_STORE must be/);
    expect(() => parse({ PORTAL_STORE: 's3://images' })).toThrow(
      /PORTAL_STORE_S3_ACCESS_KEY_ID and PORTAL_STORE_S3_SECRET_ACCESS_KEY/,
    );
  });
});

describe('the bytes kept of a file streamed into S3', () => {
  /** What lib/store/file-safety.ts reads of a file on disk, for comparison. */
  const fromFile = (data: Buffer) => ({
    head: data.subarray(0, HEAD_BYTES),
    vhdFooter: data.subarray(Math.max(0, data.length - TAIL_BYTES)),
  });

  it.each([0, 100, HEAD_BYTES + 1, 3 * 1024 * 1024 + 17])(
    'are the head and tail the file checks read (%i bytes)',
    (size) => {
      const data = crypto.randomBytes(size);
      const kept = new HeadAndTail();
      for (let at = 0; at < size;) {
        const step = 1 + crypto.randomInt(300_000);
        kept.update(data.subarray(at, at + step));
        at += step;
      }
      expect(kept.size).toBe(size);
      const evidence = kept.evidence();
      expect(evidence.head.equals(fromFile(data).head)).toBe(true);
      expect(evidence.vhdFooter.equals(fromFile(data).vhdFooter)).toBe(true);
      expect(evidence.vmdkArea).toBeUndefined();
    },
  );

  it('keep a sparse VMDK’s descriptor area', () => {
    const data = Buffer.alloc(256 * 1024);
    data.write('KDMV', 0, 'latin1');
    data.write('# Disk DescriptorFile', VMDK_AREA.offset, 'latin1');
    const kept = new HeadAndTail();
    kept.update(data.subarray(0, 1000));
    kept.update(data.subarray(1000));
    expect(kept.evidence().vmdkArea?.equals(data.subarray(VMDK_AREA.offset, VMDK_AREA.offset + VMDK_AREA.bytes))).toBe(
      true,
    );
  });
});
