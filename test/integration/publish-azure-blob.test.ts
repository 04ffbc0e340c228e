import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AzureBlobSettings } from '@/lib/clouds/settings';
import { OutboundRefusedError } from '@/lib/net/outbound';
import type { RemoteState } from '@/lib/publish/target';
import { azureBlobTarget } from '@/lib/publish/targets/azure-blob';
import { convertToFixedVhd, fixedVhdProblems, readVhdFooter } from '@/lib/publish/vhd';
import { freePort } from '@/scripts/lib/ports';
import { startAzurite, type AzuriteService } from '@/scripts/lib/services/azurite';
import {
  allowOutbound,
  cloudError,
  imageAttributes,
  md5Of,
  MiB,
  publishFile,
  recordingOptions,
  settled,
  sha256Of,
  writeDisk,
} from '../support/publish-files';

const CONTAINER = 'images';
const RANGE = 4 * MiB;
/**
 * 28.5 MiB of disk in 4 MiB ranges: 0–2 data (2 with a hole inside), 3 all zeros, 4 data, 5 all
 * zeros, 6 data, then half a MiB of data. As a fixed VHD: 29 MiB and the footer, 8 ranges.
 */
const LAYOUT = [
  ...['data', 'data', 'data', 'data'],
  ...['data', 'data', 'data', 'data'],
  ...['data', 'zero', 'data', 'zero'],
  ...['zero', 'zero', 'zero', 'zero'],
  ...['data', 'zero', 'data', 'data'],
  ...['zero', 'zero', 'zero', 'zero'],
  ...['zero', 'data', 'zero', 'data'],
] as ('data' | 'zero')[];
const VHD_BYTES = 29 * MiB + 512;
const DATA_RANGES = [0, 1, 2, 4, 6, 7];
const ZERO_RANGES = [3, 5];
const rangeHeader = (index: number) => `bytes=${index * RANGE}-${Math.min(VHD_BYTES, (index + 1) * RANGE) - 1}`;

describe('the Azure Blob target against a real Azure Blob service (Azurite)', () => {
  let azurite: AzuriteService;
  let scratch: string;
  let raw: string;
  let qcow2: string;
  let vhd: string;
  let undoOutbound: (() => void) | undefined;

  beforeAll(async () => {
    azurite = await startAzurite({ host: '127.0.0.192' });
    await azurite.createContainer(CONTAINER);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-publish-azure-'));
    raw = writeDisk(path.join(scratch, 'disk.raw'), LAYOUT, MiB / 2);
    qcow2 = path.join(scratch, 'disk.qcow2');
    execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
    vhd = path.join(scratch, 'disk.vhd');
    await convertToFixedVhd(qcow2, 'qcow2', vhd, new AbortController().signal);
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  afterEach(() => {
    undoOutbound?.();
    undoOutbound = undefined;
  });

  const sharedKey = (overrides: Partial<AzureBlobSettings> = {}, accountKey = azurite.accountKey) =>
    azureBlobTarget(
      {
        accountUrl: azurite.accountUrl,
        container: CONTAINER,
        auth: 'shared-key',
        accountName: azurite.accountName,
        ...overrides,
      },
      { accountKey },
    );
  const withSas = (sasToken = azurite.containerSas(CONTAINER)) =>
    azureBlobTarget({ accountUrl: azurite.accountUrl, container: CONTAINER, auth: 'sas' }, { sasToken });
  const signal = () => new AbortController().signal;
  const container = () => azurite.serviceClient().getContainerClient(CONTAINER);
  const blobNames = async () => {
    const names: string[] = [];
    for await (const blob of container().listBlobsFlat()) names.push(blob.name);
    return names;
  };
  /** Byte ranges the blob holds, as the service lists them. */
  const writtenRanges = async (name: string) => {
    const ranges: { start: number; end: number }[] = [];
    for await (const r of container().getPageBlobClient(name).listPageRanges())
      ranges.push({ start: r.start, end: r.end });
    return ranges;
  };
  const putPages = async (since: number) =>
    (await azurite.requests())
      .slice(since)
      .filter((r) => r.method === 'PUT' && r.url.includes('comp=page'))
      .map((r) => r.range);

  /** Starts an upload and aborts it once its first range is written; returns what it saved. */
  async function abortedUpload(name: string) {
    const controller = new AbortController();
    const first = recordingOptions(undefined, controller.signal);
    // Ranges 0–2 hold data, so the first progress is a range the blob holds.
    first.options.onProgress = () => controller.abort();
    const file = publishFile(vhd, 'vhd');
    await expect(sharedKey().upload(imageAttributes({ name }), file, first.options)).rejects.toThrow();
    return { file, saved: first.last() as RemoteState & { blobName: string } };
  }

  it('converts a qcow2 to a fixed VHD of whole MiB, with a valid footer and the same data', async () => {
    expect(fs.statSync(vhd).size).toBe(VHD_BYTES);
    const footer = await readVhdFooter(vhd);
    expect(footer).toMatchObject({ cookie: 'conectix', diskType: 2, currentSize: 29 * MiB, fileSize: VHD_BYTES });
    expect(footer.checksum).toBe(footer.computedChecksum);
    expect(fixedVhdProblems(footer)).toEqual([]);
    const info = JSON.parse(
      execFileSync('qemu-img', ['info', '-f', 'vpc', '--output=json', vhd], { encoding: 'utf8' }),
    );
    expect(info['virtual-size']).toBe(29 * MiB);
    // The disk's bytes, then zeros up to the whole MiB.
    const data = fs.readFileSync(vhd);
    const source = fs.readFileSync(raw);
    expect(data.subarray(0, source.length).equals(source)).toBe(true);
    expect(data.subarray(source.length, 29 * MiB).every((b) => b === 0)).toBe(true);
  });

  it('tells what keeps a file from being a VHD Azure takes; a stopped conversion leaves nothing', async () => {
    const dynamic = path.join(scratch, 'dynamic.vhd');
    execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'vpc', raw, dynamic]);
    expect(fixedVhdProblems(await readVhdFooter(dynamic))).toContain('is a dynamic VHD, not a fixed one');

    const odd = path.join(scratch, 'odd.vhd');
    execFileSync('qemu-img', ['create', '-q', '-f', 'vpc', '-o', 'subformat=fixed,force_size=on', odd, '5000192']);
    expect(fixedVhdProblems(await readVhdFooter(odd))).toEqual([
      'has a virtual size of 5000192 bytes, not a whole number of MiB',
    ]);

    const damaged = path.join(scratch, 'damaged.vhd');
    fs.copyFileSync(vhd, damaged);
    const fd = fs.openSync(damaged, 'r+');
    fs.writeSync(fd, Buffer.from([0x55]), 0, 1, VHD_BYTES - 100);
    fs.closeSync(fd);
    expect(fixedVhdProblems(await readVhdFooter(damaged))).toEqual(['has a VHD footer whose checksum is wrong']);
    expect(fixedVhdProblems(await readVhdFooter(raw))[0]).toMatch(/has no VHD footer/);

    const stopped = path.join(scratch, 'stopped.vhd');
    const controller = new AbortController();
    controller.abort();
    await expect(convertToFixedVhd(qcow2, 'qcow2', stopped, controller.signal)).rejects.toThrow();
    expect(fs.existsSync(stopped)).toBe(false);
  });

  it('publishes a page blob: the same bytes as a fixed VHD, zero ranges not sent, Content-MD5 set', async () => {
    await expect(sharedKey().testConnection(signal())).resolves.toBeUndefined();
    const image = imageAttributes({ name: 'debian-12', version: '20240601', diskFormat: 'qcow2' });
    const file = publishFile(vhd, 'vhd');
    const recorded = recordingOptions();
    const since = (await azurite.requests()).length;

    const copy = await sharedKey().upload(image, file, recorded.options);

    expect(copy.remoteId).toBe('debian-12-20240601.vhd');
    expect(copy.remoteUrl).toBe(`${azurite.accountUrl}/${CONTAINER}/debian-12-20240601.vhd`);
    const blob = container().getPageBlobClient(copy.remoteId);
    const downloaded = path.join(scratch, 'downloaded.vhd');
    await blob.downloadToFile(downloaded);
    expect(sha256Of(downloaded)).toBe(file.sha256);
    expect(fs.statSync(downloaded).size % MiB).toBe(512);
    expect(fixedVhdProblems(await readVhdFooter(downloaded))).toEqual([]);
    const props = await blob.getProperties();
    expect(props.blobType).toBe('PageBlob');
    expect(Buffer.from(props.contentMD5!).toString('hex')).toBe(md5Of(downloaded));

    expect((await putPages(since)).sort()).toEqual(DATA_RANGES.map(rangeHeader).sort());
    for (const zero of ZERO_RANGES) {
      const start = zero * RANGE;
      expect((await writtenRanges(copy.remoteId)).some((r) => r.end >= start && r.start < start + RANGE)).toBe(false);
    }
    expect(recorded.states[0]).toMatchObject({ container: CONTAINER, blobName: copy.remoteId, completed: false });
    expect(recorded.last()).toMatchObject({ completed: true });
    expect(recorded.progress.at(-1)).toBe(VHD_BYTES);

    expect(await sharedKey().verify(copy, file, signal())).toEqual({ compared: { md5: file.md5 } });
  });

  it('verify says so when the blob is not the file', async () => {
    const file = publishFile(vhd, 'vhd');
    const copy = await sharedKey().upload(imageAttributes({ name: 'tampered' }), file, recordingOptions().options);
    const blob = container().getPageBlobClient(copy.remoteId);
    await blob.setHTTPHeaders({ blobContentMD5: Buffer.alloc(16, 7) });
    const err = await cloudError(sharedKey().verify(copy, file, signal()), 'mismatch');
    expect(err.message).toBe(
      `The blob ${copy.remoteId} has Content-MD5 ${'07'.repeat(16)}; the file's MD5 is ${file.md5}.`,
    );
    await blob.resize(VHD_BYTES + 512);
    expect((await cloudError(sharedKey().verify(copy, file, signal()), 'mismatch')).message).toMatch(/holds \d+ bytes/);
  });

  it('publishes with a SAS token, and never shows the token in the blob URL', async () => {
    await expect(withSas().testConnection(signal())).resolves.toBeUndefined();
    const file = publishFile(vhd, 'vhd');
    const copy = await withSas().upload(imageAttributes({ name: 'with-sas' }), file, recordingOptions().options);
    expect(copy.remoteUrl).toBe(`${azurite.accountUrl}/${CONTAINER}/with-sas-20240601.vhd`);
    expect(JSON.stringify(copy)).not.toContain('sig=');
    const downloaded = await container().getBlobClient(copy.remoteId).downloadToBuffer();
    expect(sha256Of(downloaded)).toBe(file.sha256);
    expect(await withSas().verify(copy, file, signal())).toEqual({ compared: { md5: file.md5 } });
  });

  it('resumes an aborted upload: the page ranges the blob holds are not sent again', async () => {
    const { file, saved } = await abortedUpload('resumed');
    const held = await settled(() => writtenRanges(saved.blobName));
    const heldIndexes = DATA_RANGES.filter((i) =>
      held.some((r) => r.start <= i * RANGE && r.end >= Math.min(VHD_BYTES, (i + 1) * RANGE) - 1),
    );
    expect(heldIndexes.length).toBeGreaterThanOrEqual(1);
    expect(heldIndexes.length).toBeLessThan(DATA_RANGES.length);
    const since = (await azurite.requests()).length;

    const copy = await sharedKey().upload(imageAttributes({ name: 'resumed' }), file, recordingOptions(saved).options);

    const expected = DATA_RANGES.filter((i) => !heldIndexes.includes(i)).map(rangeHeader);
    expect((await putPages(since)).sort()).toEqual(expected.sort());
    expect(sha256Of(await container().getBlobClient(copy.remoteId).downloadToBuffer())).toBe(file.sha256);
    expect(await sharedKey().verify(copy, file, signal())).toEqual({ compared: { md5: file.md5 } });
  });

  it('discards an aborted upload: the partial blob is gone; again is no error', async () => {
    const { saved } = await abortedUpload('discarded');
    expect(await blobNames()).toContain(saved.blobName);
    await sharedKey().discard(saved, signal());
    expect(await blobNames()).not.toContain(saved.blobName);
    await expect(sharedKey().discard(saved, signal())).resolves.toBeUndefined();
  });

  it('removes a published blob; removing it again is no error', async () => {
    const copy = await sharedKey().upload(
      imageAttributes({ name: 'removed' }),
      publishFile(vhd, 'vhd'),
      recordingOptions().options,
    );
    expect(await blobNames()).toContain(copy.remoteId);
    await sharedKey().remove(copy, signal());
    expect(await blobNames()).not.toContain(copy.remoteId);
    await expect(sharedKey().remove(copy, signal())).resolves.toBeUndefined();
  });

  it('refuses a file that is not a fixed VHD of whole MiB, before creating anything', async () => {
    const dynamic = path.join(scratch, 'refused.vhd');
    execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'vpc', raw, dynamic]);
    const err = await cloudError(
      sharedKey().upload(imageAttributes({ name: 'dynamic' }), publishFile(dynamic, 'vhd'), recordingOptions().options),
      'refused',
    );
    expect(err.message).toBe(
      'Azure takes only a fixed VHD of a whole number of MiB; the file of dynamic is a dynamic VHD, not a fixed one.',
    );
    expect(await blobNames()).not.toContain('dynamic-20240601.vhd');
  });

  it('refuses a wrong account key or SAS token with a clear message, and leaves nothing', async () => {
    const wrongKey = () => sharedKey({}, Buffer.from('not the key').toString('base64'));
    const err = await cloudError(wrongKey().testConnection(signal()), 'credentials');
    expect(err.message).toMatch(new RegExp(`^${azurite.accountUrl} refused the credentials \\(AuthorizationFailure: `));
    expect(err.message).toMatch(/check the account key or SAS token, its permissions and its expiry\.$/);
    const recorded = recordingOptions();
    await cloudError(
      wrongKey().upload(imageAttributes({ name: 'wrong-key' }), publishFile(vhd, 'vhd'), recorded.options),
      'credentials',
    );
    expect(recorded.states).toEqual([]);
    expect(await blobNames()).not.toContain('wrong-key-20240601.vhd');

    const forged = azurite.containerSas(CONTAINER).replace(/sig=[^&]+/, 'sig=bm90IGEgc2lnbmF0dXJl');
    await cloudError(withSas(forged).testConnection(signal()), 'credentials');
    // A token that may only read cannot create the blob.
    const readOnly = withSas(azurite.containerSas(CONTAINER, 'rl'));
    await cloudError(
      readOnly.upload(imageAttributes({ name: 'read-only' }), publishFile(vhd, 'vhd'), recordingOptions().options),
      'credentials',
    );
    expect(await blobNames()).not.toContain('read-only-20240601.vhd');
  });

  it('says an account URL nothing listens on is unreachable', async () => {
    const port = await freePort('127.0.0.194');
    const accountUrl = `http://127.0.0.194:${port}/${azurite.accountName}`;
    const err = await cloudError(sharedKey({ accountUrl }).testConnection(signal()), 'unreachable');
    expect(err.message).toBe(`Could not reach ${accountUrl}: the connection was refused.`);
    expect(err.transient).toBe(true);
  });

  it('says a missing container is not found, and creates nothing', async () => {
    const missing = () => sharedKey({ container: 'no-such-container' });
    const err = await cloudError(missing().testConnection(signal()), 'not-found');
    expect(err.message).toBe(`The container "no-such-container" does not exist at ${azurite.accountUrl}.`);
    await cloudError(
      missing().upload(imageAttributes({ name: 'nowhere' }), publishFile(vhd, 'vhd'), recordingOptions().options),
      'not-found',
    );
    const containers: string[] = [];
    for await (const c of azurite.serviceClient().listContainers()) containers.push(c.name);
    expect(containers).toEqual([CONTAINER]);
  });

  it('does not connect to a loopback account URL unless PORTAL_OUTBOUND_ALLOW lists it', async () => {
    undoOutbound = allowOutbound('192.0.2.0/24');
    const since = (await azurite.requests()).length;
    const refused = await sharedKey()
      .testConnection(signal())
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutboundRefusedError);
    expect((refused as Error).message).toContain('127.0.0.192');

    // A host name is checked on the address it resolves to, inside the SDK's own connection.
    const byName = sharedKey({ accountUrl: azurite.accountUrl.replace('127.0.0.192', 'localhost') });
    const recorded = recordingOptions();
    const upload = await byName
      .upload(imageAttributes({ name: 'guarded' }), publishFile(vhd, 'vhd'), recorded.options)
      .catch((e: unknown) => e);
    expect(upload).toBeInstanceOf(OutboundRefusedError);
    expect((upload as Error).message).toMatch(/^Refused to connect to localhost: localhost resolves to /);
    expect(recorded.states).toEqual([]);
    expect((await azurite.requests()).length).toBe(since);
  });
});
