// Publishing to OpenStack against Debian's real glance-api and keystone on loopback: one Glance
// without Keystone (auth "none"), and one whose every request keystonemiddleware checks against a
// real Keystone, whose catalogue lists it. Every assertion reads Glance's own state.
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenstackSecrets, OpenstackSettings } from '@/lib/clouds/settings';
import { OutboundRefusedError } from '@/lib/net/outbound';
import { CloudError, type PublishFile } from '@/lib/publish/target';
import { openstackTarget } from '@/lib/publish/targets/openstack';
import { freePort } from '@/scripts/lib/ports';
import { startGlance, type GlanceService } from '@/scripts/lib/services/glance';
import { startKeystone, type KeystoneService } from '@/scripts/lib/services/keystone';
import {
  glanceApi,
  imageAttributes,
  keystoneToken,
  publishFile,
  randomFile,
  randomQcow2,
  recordingOptions,
  SELF_SIGNED,
  storedFiles,
} from '@/test/support/publish-openstack';

const ALLOWED_BY_SETUP = process.env.PORTAL_OUTBOUND_ALLOW;
const allowOutbound = (value: string | undefined) => {
  if (value === undefined) delete process.env.PORTAL_OUTBOUND_ALLOW;
  else process.env.PORTAL_OUTBOUND_ALLOW = value;
};

const signal = () => new AbortController().signal;
const noAuth = (imageUrl: string, more: Partial<OpenstackSettings> = {}): OpenstackSettings => ({
  auth: 'none',
  imageUrl,
  interface: 'public',
  visibility: 'private',
  protected: false,
  ...more,
});

/** The CloudError (or other error) a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof Error)) throw new Error('expected a rejection');
  return outcome;
}

let dir: string;
let glance: GlanceService;
let keystone: KeystoneService;
let guardedGlance: GlanceService;
let qcow2: PublishFile;
let big: PublishFile;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-publish-openstack-'));
  // Keystone and the open Glance start together; the guarded Glance needs Keystone's URL. Whichever
  // started is kept for afterAll to stop even if the other failed.
  const [open, identity] = await Promise.allSettled([
    startGlance({ host: '127.0.0.195' }).then((g) => (glance = g)),
    startKeystone({ host: '127.0.0.196' }).then((k) => (keystone = k)),
  ]);
  for (const started of [open, identity]) if (started.status === 'rejected') throw started.reason;
  guardedGlance = await startGlance({
    host: '127.0.0.197',
    keystone: { ...keystone, password: keystone.adminPassword },
  });
  await keystone.registerImageService(guardedGlance.url);
  qcow2 = await publishFile(randomQcow2(dir, 'ubuntu', 4), 'qcow2');
  big = await publishFile(randomFile(path.join(dir, 'big.raw'), 64 * 1024 * 1024), 'raw');
}, 240_000);

afterAll(async () => {
  allowOutbound(ALLOWED_BY_SETUP);
  await Promise.all([glance?.stop(), guardedGlance?.stop(), keystone?.stop()]);
});

describe('a Glance without Keystone (auth "none")', () => {
  it('publishes a qcow2 that Glance holds active, with its checksums and our properties', async () => {
    const target = openstackTarget(noAuth(`${glance.url}/v2/`, { visibility: 'community' }), {});
    await target.testConnection(signal());
    const image = imageAttributes({ name: 'Ubuntu 24.04 server', bootType: 'uefi', tags: ['lts', 'cloud'] });
    const api = glanceApi(glance.url);
    let queuedWhenSaved: unknown;
    const { options, saved, progress } = recordingOptions();
    options.saveState = async (state) => {
      saved.push(state);
      queuedWhenSaved = progress.length; // nothing sent yet when the id is saved
    };

    const copy = await target.upload(image, qcow2, options);

    expect(saved).toEqual([{ imageId: copy.remoteId }]);
    expect(queuedWhenSaved).toBe(0);
    expect(progress.at(-1)).toBe(qcow2.sizeBytes);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(copy).toEqual({
      remoteId: expect.any(String),
      remoteUrl: `${glance.url}/v2/images/${copy.remoteId}`,
      state: { imageId: copy.remoteId },
    });
    // A community image is listed only when asked for every visibility.
    const listed = (await api.list({ visibility: 'all' })).filter((i) => i.id === copy.remoteId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      name: 'Ubuntu 24.04 server',
      status: 'active',
      disk_format: 'qcow2',
      container_format: 'bare',
      size: qcow2.sizeBytes,
      checksum: qcow2.md5,
      os_hash_algo: 'sha512',
      os_hash_value: qcow2.sha512,
      min_disk: 3,
      min_ram: 512,
      visibility: 'community',
      protected: false,
      os_type: 'linux',
      os_distro: 'ubuntu',
      hw_firmware_type: 'uefi',
      cbp_image_id: image.id,
      cbp_version: '20250101',
      description: 'Ubuntu 24.04 LTS server',
    });
    expect([...(listed[0]!.tags as string[])].sort()).toEqual(['cloud', 'lts']);
    // Glance really stored the bytes: its file store holds a file of the image's size.
    expect(fs.statSync(path.join(glance.dataDir, copy.remoteId)).size).toBe(qcow2.sizeBytes);

    await expect(target.verify(copy, qcow2, signal())).resolves.toEqual({
      compared: { sha512: qcow2.sha512, md5: qcow2.md5 },
    });
    await expect(target.findPublished(image.id, qcow2.sha512!, signal())).resolves.toEqual(copy);
    await expect(target.findPublished(image.id, 'f'.repeat(128), signal())).resolves.toBeUndefined();

    await target.remove(copy, signal());
    expect(await api.get(copy.remoteId)).toBeUndefined();
    await target.remove(copy, signal()); // idempotent
  });

  it('says "refused" for public visibility, which Glance keeps to administrators', async () => {
    // Without Keystone a request has no roles, so Glance's publicize_image policy says no.
    const target = openstackTarget(noAuth(glance.url, { visibility: 'public' }), {});
    const image = imageAttributes();
    const { options, saved } = recordingOptions();
    await expect(target.upload(image, qcow2, options)).rejects.toMatchObject({
      reason: 'refused',
      message:
        'Glance allows only administrators to publish public images: choose another visibility, or ask the cloud’s administrators.',
    });
    expect(saved).toEqual([]);
    expect(await glanceApi(glance.url).list({ cbp_image_id: image.id })).toEqual([]);
  });

  it('leaves os_type and os_distro unset where it cannot tell them', async () => {
    const target = openstackTarget(noAuth(glance.url), {});
    const image = imageAttributes({ name: 'appliance', osType: 'sunos' });
    const copy = await target.upload(image, qcow2, recordingOptions().options);
    const held = await glanceApi(glance.url).get(copy.remoteId);
    expect(held).toMatchObject({ status: 'active', cbp_image_id: image.id, visibility: 'private' });
    expect(held).not.toHaveProperty('os_type');
    expect(held).not.toHaveProperty('os_distro');
    expect(held).not.toHaveProperty('hw_firmware_type');
    await target.remove(copy, signal());
  });

  it('publishes a partition image linked to its kernel and ramdisk, found again by their checksums', async () => {
    const target = openstackTarget(noAuth(glance.url), {});
    const api = glanceApi(glance.url);
    const kernelFile = await publishFile(randomFile(path.join(dir, 'vmlinuz'), 1024 * 1024), 'aki');
    const ramdiskFile = await publishFile(randomFile(path.join(dir, 'initrd'), 2 * 1024 * 1024), 'ari');
    const partitionFile = await publishFile(randomFile(path.join(dir, 'root.img'), 3 * 1024 * 1024), 'ami');
    const kernelImage = imageAttributes({ name: 'debian-12-kernel', diskFormat: 'aki', containerFormat: 'aki' });
    const ramdiskImage = imageAttributes({ name: 'debian-12-initrd', diskFormat: 'ari', containerFormat: 'ari' });
    const kernel = await target.upload(kernelImage, kernelFile, recordingOptions().options);
    const ramdisk = await target.upload(ramdiskImage, ramdiskFile, recordingOptions().options);

    // The job looks for them before publishing them again.
    await expect(target.findPublished(kernelImage.id, kernelFile.sha512!, signal())).resolves.toEqual(kernel);
    await expect(target.findPublished(ramdiskImage.id, ramdiskFile.sha512!, signal())).resolves.toEqual(ramdisk);

    const root = imageAttributes({ name: 'debian-12', diskFormat: 'ami', containerFormat: 'ami' });
    const linked = { kernelId: kernel.remoteId, ramdiskId: ramdisk.remoteId };
    const copy = await target.upload(root, partitionFile, recordingOptions({ linked }).options);
    await expect(target.verify(copy, partitionFile, signal())).resolves.toBeDefined();

    expect(await api.get(kernel.remoteId)).toMatchObject({
      disk_format: 'aki',
      container_format: 'aki',
      status: 'active',
    });
    expect(await api.get(ramdisk.remoteId)).toMatchObject({
      disk_format: 'ari',
      container_format: 'ari',
      status: 'active',
    });
    expect(await api.get(copy.remoteId)).toMatchObject({
      status: 'active',
      disk_format: 'ami',
      container_format: 'ami',
      kernel_id: kernel.remoteId,
      ramdisk_id: ramdisk.remoteId,
      os_distro: 'debian',
      checksum: partitionFile.md5,
      os_hash_value: partitionFile.sha512,
    });
    for (const c of [copy, kernel, ramdisk]) await target.remove(c, signal());
  });

  it('says "mismatch" when Glance holds other bytes than ours, listing both checksums', async () => {
    const target = openstackTarget(noAuth(glance.url), {});
    const copy = await target.upload(imageAttributes(), qcow2, recordingOptions().options);
    const other = { ...qcow2, sha512: 'a'.repeat(128), md5: 'b'.repeat(32) };
    const err = await failure(target.verify(copy, other, signal()));
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({ reason: 'mismatch' });
    expect(err.message).toContain(`its sha512 is ${qcow2.sha512}, ours ${'a'.repeat(128)}`);
    expect(err.message).toContain(`its md5 is ${qcow2.md5}, ours ${'b'.repeat(32)}`);
    await target.remove(copy, signal());
  });

  it('refuses to remove a protected image, which stays in Glance', async () => {
    const target = openstackTarget(noAuth(glance.url, { protected: true }), {});
    const api = glanceApi(glance.url);
    const copy = await target.upload(imageAttributes(), qcow2, recordingOptions().options);
    try {
      expect(await api.get(copy.remoteId)).toMatchObject({ status: 'active', protected: true });
      const err = await failure(target.remove(copy, signal()));
      expect(err).toMatchObject({
        reason: 'refused',
        message: `The image is protected in OpenStack (Glance at ${new URL(glance.url).host}); unprotect it there first.`,
      });
      // A discard of its saved state leaves a finished, protected publication alone too.
      await target.discard(copy.state, signal());
      expect(await api.get(copy.remoteId)).toMatchObject({ status: 'active', protected: true });
    } finally {
      await api.unprotectAndDelete(copy.remoteId);
    }
  });

  it('an upload aborted mid-way leaves an unfinished image that discard removes, bytes and all', async () => {
    const target = openstackTarget(noAuth(glance.url), {});
    const api = glanceApi(glance.url);
    const image = imageAttributes({ diskFormat: 'raw', name: 'big' });
    const controller = new AbortController();
    const { options, saved, progress } = recordingOptions({ signal: controller.signal });
    options.onProgress = (bytes) => {
      progress.push(bytes);
      if (bytes >= 8 * 1024 * 1024) controller.abort(new Error('cancelled by the test'));
    };

    const err = await failure(target.upload(image, big, options));
    expect(err.message).toBe('cancelled by the test');
    expect(progress.at(-1)).toBeLessThan(big.sizeBytes);
    const imageId = saved[0]?.imageId as string;
    expect(imageId).toBeTruthy();
    const left = await api.get(imageId);
    expect(left?.status).not.toBe('active');

    await target.discard(saved[0]!, signal());
    expect(await api.get(imageId)).toBeUndefined();
    expect(await api.list({ cbp_image_id: image.id })).toEqual([]);
    // Glance removes the partial file once its upload handler sees the connection gone.
    await expect.poll(() => storedFiles(glance.dataDir).includes(imageId), { timeout: 15_000 }).toBe(false);
    await target.discard(saved[0]!, signal()); // idempotent
    await target.discard({}, signal());
  });

  it('a resumed upload restarts from the first byte and leaves exactly one image', async () => {
    const target = openstackTarget(noAuth(glance.url), {});
    const api = glanceApi(glance.url);
    const image = imageAttributes({ diskFormat: 'raw', name: 'big' });
    const controller = new AbortController();
    const first = recordingOptions({ signal: controller.signal });
    first.options.onProgress = (bytes) => bytes >= 4 * 1024 * 1024 && controller.abort(new Error('dropped'));
    await failure(target.upload(image, big, first.options));

    const second = recordingOptions({ previous: first.saved.at(-1) });
    const copy = await target.upload(image, big, second.options);
    expect(second.progress[0]).toBe(0);
    expect(second.progress.at(-1)).toBe(big.sizeBytes);
    const held = await api.list({ cbp_image_id: image.id });
    expect(held.map((i) => [i.id, i.status, i.os_hash_value])).toEqual([[copy.remoteId, 'active', big.sha512]]);

    // Resumed once more after it completed (say the job died before recording it): nothing is sent again.
    const third = recordingOptions({ previous: copy.state });
    await expect(target.upload(image, big, third.options)).resolves.toEqual(copy);
    expect(third.progress).toEqual([big.sizeBytes]);
    await target.remove(copy, signal());
  });

  it('says "unreachable" for a closed port', async () => {
    const port = await freePort('127.0.0.198');
    const target = openstackTarget(noAuth(`http://127.0.0.198:${port}`), {});
    const err = await failure(target.testConnection(signal()));
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({ reason: 'unreachable', transient: true });
    expect(err.message).toBe(
      `Glance at 127.0.0.198:${port} refused the connection: check the URL and that the service is running.`,
    );
  });
});

describe('TLS', () => {
  it('says "tls" for a certificate the portal does not trust', async () => {
    // Glance here speaks plain HTTP; a loopback TLS server with a self-signed certificate stands in
    // for a cloud whose certificate is not trusted: the handshake is what is under test.
    const server = https.createServer(SELF_SIGNED, (_req, res) => res.end('{"images": []}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.198', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const target = openstackTarget(noAuth(`https://127.0.0.198:${port}`), {});
      const err = await failure(target.testConnection(signal()));
      expect(err).toBeInstanceOf(CloudError);
      expect(err).toMatchObject({ reason: 'tls', transient: false });
      expect(err.message).toMatch(
        // DEPTH_ZERO_SELF_SIGNED_CERT, or CERT_NOT_YET_VALID on a machine whose clock is behind the certificate's.
        new RegExp(
          `^The TLS connection to Glance at 127\\.0\\.0\\.198:${port} failed: .*\\((DEPTH_ZERO_SELF_SIGNED_CERT|CERT_NOT_YET_VALID)\\)\\.$`,
        ),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('Keystone v3 and a Glance that checks its tokens', () => {
  const password = (more: Partial<OpenstackSettings> = {}): OpenstackSettings => ({
    auth: 'password',
    authUrl: keystone.authUrl,
    username: 'admin',
    userDomain: 'Default',
    projectName: 'admin',
    projectDomain: 'default',
    region: 'RegionOne',
    interface: 'public',
    visibility: 'private',
    protected: false,
    ...more,
  });
  const secrets = (): OpenstackSecrets => ({ password: keystone.adminPassword });
  const api = () => glanceApi(guardedGlance.url, keystoneToken(keystone.authUrl, keystone.adminPassword));

  it('logs in with a password, finds Glance in the catalogue and publishes there', async () => {
    // The admin role may publish public images.
    const target = openstackTarget(password({ visibility: 'public' }), secrets());
    await target.testConnection(signal());
    const image = imageAttributes({ name: 'fedora-41' });
    const copy = await target.upload(image, qcow2, recordingOptions().options);
    expect(copy.remoteUrl).toBe(`${guardedGlance.url}/v2/images/${copy.remoteId}`);
    await expect(target.verify(copy, qcow2, signal())).resolves.toEqual({
      compared: { sha512: qcow2.sha512, md5: qcow2.md5 },
    });
    const held = await api().get(copy.remoteId);
    expect(held).toMatchObject({
      status: 'active',
      visibility: 'public',
      os_distro: 'fedora',
      os_hash_value: qcow2.sha512,
    });
    // The image belongs to the project the token was scoped to.
    expect(held?.owner).toEqual(expect.stringMatching(/^[0-9a-f]{32}$/));
    expect(fs.statSync(path.join(guardedGlance.dataDir, copy.remoteId)).size).toBe(qcow2.sizeBytes);
    await target.remove(copy, signal());
    expect(await api().get(copy.remoteId)).toBeUndefined();
  });

  it('logs in with an application credential, end to end', async () => {
    const credential = await keystone.createApplicationCredential(`cbp-${Date.now()}`);
    const settings: OpenstackSettings = {
      auth: 'application-credential',
      authUrl: `${keystone.authUrl.replace(/\/v3$/, '')}/`, // the root, as some clouds give it
      applicationCredentialId: credential.id,
      interface: 'internal',
      visibility: 'private',
      protected: false,
    };
    const target = openstackTarget(settings, { applicationCredentialSecret: credential.secret });
    await target.testConnection(signal());
    const copy = await target.upload(imageAttributes(), qcow2, recordingOptions().options);
    await target.verify(copy, qcow2, signal());
    expect(await api().get(copy.remoteId)).toMatchObject({ status: 'active', checksum: qcow2.md5 });
    await target.remove(copy, signal());

    const wrong = openstackTarget(settings, { applicationCredentialSecret: 'not-the-secret' });
    await expect(wrong.testConnection(signal())).rejects.toMatchObject({
      reason: 'credentials',
      message: `Keystone refused application credential ${credential.id}: check its id and secret, and that it has not expired or been deleted.`,
    });
  });

  it('says "credentials" for a wrong password', async () => {
    const target = openstackTarget(password(), { password: 'wrong' });
    const err = await failure(target.testConnection(signal()));
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({ reason: 'credentials', transient: false });
    expect(err.message).toBe(
      'Keystone refused the user name or password (user "admin" in domain "Default"), or the user has no role on project "admin" in domain "default".',
    );
  });

  it('says "not-found" when the catalogue has no image endpoint for the region', async () => {
    const target = openstackTarget(password({ region: 'RegionTwo' }), secrets());
    await expect(target.testConnection(signal())).rejects.toMatchObject({
      reason: 'not-found',
      message:
        'Keystone\'s catalogue has no Image service endpoint for region "RegionTwo" and interface "public"; it has RegionOne/public, RegionOne/internal, RegionOne/admin.',
    });
    // The Image service URL setting overrides the catalogue.
    const direct = openstackTarget(password({ region: 'RegionTwo', imageUrl: `${guardedGlance.url}/v2` }), secrets());
    await direct.testConnection(signal());
  });

  it('says "unreachable" when Keystone does not listen', async () => {
    const port = await freePort('127.0.0.198');
    const target = openstackTarget(password({ authUrl: `http://127.0.0.198:${port}/v3` }), secrets());
    await expect(target.testConnection(signal())).rejects.toMatchObject({ reason: 'unreachable' });
  });
});

describe('the outbound guard', () => {
  afterEach(() => allowOutbound(ALLOWED_BY_SETUP));

  it('refuses a Glance on loopback unless PORTAL_OUTBOUND_ALLOW lists it, sending nothing', async () => {
    allowOutbound(undefined);
    const target = openstackTarget(noAuth(glance.url), {});
    const image = imageAttributes();
    const err = await failure(target.upload(image, qcow2, recordingOptions().options));
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect(err.message).toContain('Refused to connect to 127.0.0.195');
    allowOutbound(ALLOWED_BY_SETUP);
    expect(await glanceApi(glance.url).list({ cbp_image_id: image.id })).toEqual([]);
  });

  it('refuses a host name that resolves to loopback (checked in the DNS lookup)', async () => {
    allowOutbound(undefined);
    const port = new URL(keystone.authUrl).port;
    const target = openstackTarget(
      {
        ...noAuth(glance.url),
        auth: 'password',
        authUrl: `http://localhost:${port}/v3`,
        username: 'admin',
        projectName: 'admin',
      },
      { password: keystone.adminPassword },
    );
    const err = await failure(target.testConnection(signal()));
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect(err.message).toMatch(/^Refused to connect to localhost: localhost resolves to/);
  });

  it("refuses a catalogue that points into a range the portal may not reach, though Keystone's is allowed", async () => {
    allowOutbound('127.0.0.196/32');
    const target = openstackTarget(
      {
        auth: 'password',
        authUrl: keystone.authUrl,
        username: 'admin',
        projectName: 'admin',
        interface: 'public',
        visibility: 'private',
        protected: false,
      },
      { password: keystone.adminPassword },
    );
    const err = await failure(target.testConnection(signal()));
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect(err.message).toContain('Refused to connect to 127.0.0.197');
  });
});
