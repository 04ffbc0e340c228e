import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createImageSchema } from '@/lib/images/schemas';
import { createDataCenterSchema } from '@/lib/locations/schemas';
import { probeNodeSchema, registerNodeSchema } from '@/lib/nodes/schemas';

const SHA256 = 'a'.repeat(64);
const MD5 = 'b'.repeat(32);
const DC = '6f1c1f3e-8d5e-4b7a-9a43-2f0f6c1b2a10';

/** The field errors of a parse, or null when it succeeded. */
function errorsOf(schema: z.ZodType, input: unknown): Record<string, string[] | undefined> | null {
  const result = schema.safeParse(input);
  return result.success ? null : (z.flattenError(result.error).fieldErrors as Record<string, string[]>);
}

describe('image input', () => {
  const valid = {
    name: 'ubuntu-24.04',
    version: '24.04',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    sourceUrl: 'https://mirror.example.com/ubuntu.qcow2',
    sha256: SHA256,
  };

  it('accepts a complete image and normalises it', () => {
    const parsed = createImageSchema.parse({
      ...valid,
      sha256: SHA256.toUpperCase(),
      minDiskGb: '10',
      sizeBytes: '',
      alias: '  ',
      dcBoundId: '',
    });
    expect(parsed).toMatchObject({
      sha256: SHA256,
      minDiskGb: 10,
      sizeBytes: undefined,
      alias: undefined,
      dcBoundId: undefined,
    });
  });

  it('reads tags from one text field, lowercased and without repeats, and checkboxes as booleans', () => {
    const parsed = createImageSchema.parse({
      ...valid,
      tags: ' LTS, cloud-init lts ',
      resizable: 'on',
      protected: 'on',
    });
    expect(parsed).toMatchObject({
      tags: ['lts', 'cloud-init'],
      resizable: true,
      shutdownAfterDeploy: false,
      protected: true,
      bootType: 'bios',
    });
  });

  it('accepts a checksums-file URL in place of a checksum', () => {
    expect(
      errorsOf(createImageSchema, { ...valid, sha256: '', checksumUrl: 'https://cloud-images.example.com/SHA256SUMS' }),
    ).toBeNull();
  });

  it('accepts ftp and http sources, and an md5 instead of a sha256', () => {
    expect(
      errorsOf(createImageSchema, { ...valid, sourceUrl: 'ftp://127.0.0.1/x.img', sha256: '', md5: MD5 }),
    ).toBeNull();
    expect(errorsOf(createImageSchema, { ...valid, sourceUrl: 'http://localhost:8080/x.img' })).toBeNull();
  });

  it.each([
    ['name', { name: '-starts-with-dash' }, /letters, digits/],
    ['name', { name: 'has space' }, /letters, digits/],
    ['name', { name: 'x'.repeat(65) }, /1 to 64/],
    ['name', { name: 'a$(touch x)' }, /letters, digits/],
    ['version', { version: '' }, /32 letters/],
    ['osType', { osType: 'plan9' }, /OS type/],
    ['diskFormat', { diskFormat: 'exe' }, /disk format/],
    ['containerFormat', { containerFormat: 'docker' }, /container format/],
    ['sourceUrl', { sourceUrl: 'file:///etc/passwd' }, /http, https or ftp/],
    ['sourceUrl', { sourceUrl: 'not a url' }, /http, https or ftp/],
    ['sourceUrl', { sourceUrl: 'http://exa mple.com/x' }, /http, https or ftp/],
    ['sha256', { sha256: 'abc' }, /64 hexadecimal/],
    ['sha256', { sha256: 'g'.repeat(64) }, /64 hexadecimal/],
    ['md5', { md5: 'z'.repeat(32) }, /32 hexadecimal/],
    ['sha256', { sha256: '', md5: '' }, /SHA-256 or MD5 checksum, or the URL of a checksums file/],
    ['checksumUrl', { checksumUrl: 'ftp://example.com/SHA256SUMS', sha256: '' }, /http or https URL of a SHA256SUMS/],
    ['checksumUrl', { checksumUrl: 'https://example.com/SHA256SUMS' }, /either as a value or as a URL/],
    ['minRamMb', { minRamMb: '-5' }, /at least 0/],
    ['bootType', { bootType: 'coreboot' }, /BIOS or UEFI/],
    ['tags', { tags: 'ok, Not Valid!' }, /lowercase letters/],
    ['tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(',') }, /At most 20 tags/],
    ['kernelImageId', { kernelImageId: 'vmlinuz' }, /kernel image/],
    ['minDiskGb', { minDiskGb: '-1' }, /at least 0/],
    ['minDiskGb', { minDiskGb: 'ten' }, /must be a number/],
    ['sizeBytes', { sizeBytes: '1.5' }, /whole number/],
    ['dcBoundId', { dcBoundId: 'dc-1' }, /data center/],
  ])('rejects a bad %s with a clear message', (field, change, message) => {
    const errors = errorsOf(createImageSchema, { ...valid, ...change });
    expect(errors?.[field]?.join(' ')).toMatch(message);
  });
});

describe('node input', () => {
  const valid = {
    dataCenterId: DC,
    name: 'node-1',
    host: '10.0.0.5',
    port: '22',
    sshUser: 'root',
    imageDir: '/var/lib/images',
  };

  it('needs exactly one key source when probing', () => {
    expect(errorsOf(probeNodeSchema, { ...valid, privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----' })).toBeNull();
    expect(errorsOf(probeNodeSchema, valid)?.privateKey?.[0]).toMatch(/Paste a private key, or generate one/);
    expect(errorsOf(probeNodeSchema, { ...valid, privateKey: 'k', credentialId: DC })).toEqual({
      privateKey: ['Paste a private key, or generate one with the portal.'],
    });
  });

  it.each([
    ['imageDir', { imageDir: 'relative/images' }, /absolute path/],
    ['imageDir', { imageDir: '/' }, /absolute directory/],
    ['imageDir', { imageDir: '/var/lib/../../etc' }, /without "\.\."/],
    ['imageDir', { imageDir: '/var/lib/images/' }, /trailing slashes/],
    ['port', { port: '70000' }, /at most 65535/],
    ['port', { port: '' }, /Port is required/],
    ['host', { host: 'evil;rm -rf' }, /host name or an IP address/],
    ['sshUser', { sshUser: 'Root User' }, /Unix user name/],
    ['name', { name: '' }, /63 letters/],
  ])('rejects a bad %s', (field, change, message) => {
    const errors = errorsOf(probeNodeSchema, { ...valid, privateKey: 'k', ...change });
    expect(errors?.[field]?.join(' ')).toMatch(message);
  });

  it('pins only well-formed SHA256 fingerprints', () => {
    const base = { ...valid, credentialId: DC };
    expect(errorsOf(registerNodeSchema, { ...base, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` })).toBeNull();
    expect(errorsOf(registerNodeSchema, { ...base, hostKeyFingerprint: 'MD5:aa:bb' })).toEqual({
      hostKeyFingerprint: ['Not a SHA256 host key fingerprint.'],
    });
  });
});

describe('data center input', () => {
  it('accepts a slug code and rejects others', () => {
    expect(errorsOf(createDataCenterSchema, { code: 'ams-1', name: 'Amsterdam' })).toBeNull();
    expect(errorsOf(createDataCenterSchema, { code: 'AMS 1', name: 'Amsterdam' })?.code?.[0]).toMatch(/lowercase/);
    expect(errorsOf(createDataCenterSchema, { code: 'ams-1', name: ' ' })?.name?.[0]).toMatch(/required/);
  });
});
