/**
 * Helpers for the OpenStack publish tests: real files with their digests, the image attributes and
 * upload options a publish job would pass, and a plain client that reads Glance's own state, so the
 * tests assert on what Glance holds rather than on what the target says.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { DiskFormat } from '@/lib/db/enums';
import type { PublishedImageAttributes, PublishFile, RemoteState, UploadOptions } from '@/lib/publish/target';

/** `bytes` of random data written in 1 MiB chunks (a 64 MiB file never sits in memory whole). */
export function randomFile(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= 1024 * 1024)
    fs.writeSync(fd, crypto.randomBytes(Math.min(left, 1024 * 1024)));
  fs.closeSync(fd);
  return file;
}

/** A genuine qcow2 (qemu-img convert) of random content: `mib` of data in a disk of twice that. */
export function randomQcow2(dir: string, name: string, mib: number): string {
  const raw = randomFile(path.join(dir, `${name}.raw`), mib * 1024 * 1024);
  execFileSync('qemu-img', ['resize', '-q', '-f', 'raw', raw, `${mib * 2}M`]);
  const qcow2 = path.join(dir, `${name}.qcow2`);
  execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  fs.rmSync(raw);
  return qcow2;
}

/** The file as the publish job hands it to a target: its size and every digest, read as a stream. */
export async function publishFile(file: string, diskFormat: DiskFormat): Promise<PublishFile> {
  const hashes = {
    sha256: crypto.createHash('sha256'),
    md5: crypto.createHash('md5'),
    sha512: crypto.createHash('sha512'),
  };
  for await (const chunk of fs.createReadStream(file)) for (const h of Object.values(hashes)) h.update(chunk as Buffer);
  return {
    path: file,
    sizeBytes: fs.statSync(file).size,
    diskFormat,
    sha256: hashes.sha256.digest('hex'),
    md5: hashes.md5.digest('hex'),
    sha512: hashes.sha512.digest('hex'),
  };
}

export function imageAttributes(overrides: Partial<PublishedImageAttributes> = {}): PublishedImageAttributes {
  return {
    id: crypto.randomUUID(),
    name: 'ubuntu-24.04',
    version: '20250101',
    description: 'Ubuntu 24.04 LTS server',
    osType: 'linux',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    minDiskGb: 3,
    minRamMb: 512,
    bootType: 'bios',
    tags: ['cbp-test'],
    ...overrides,
  };
}

/** Upload options that record what the target saved and reported. */
export function recordingOptions(overrides: Partial<UploadOptions> = {}) {
  const saved: RemoteState[] = [];
  const progress: number[] = [];
  const options: UploadOptions = {
    signal: new AbortController().signal,
    onProgress: (bytes) => progress.push(bytes),
    saveState: async (state) => void saved.push(structuredClone(state)),
    previous: undefined,
    ...overrides,
  };
  return { options, saved, progress };
}

export type GlanceRecord = Record<string, unknown> & { id: string; status: string };

/** Glance's API read directly, without the target: the ground truth of the tests. */
export function glanceApi(root: string, token?: () => Promise<string>) {
  const call = async (method: string, urlPath: string, body?: unknown, contentType = 'application/json') => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (token) headers['x-auth-token'] = await token();
    if (payload) Object.assign(headers, { 'content-type': contentType, 'content-length': payload.length });
    return new Promise<{ status: number; json: () => unknown }>((resolve, reject) => {
      const req = http.request(`${root}${urlPath}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) as unknown });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  };
  return {
    async get(id: string): Promise<GlanceRecord | undefined> {
      const res = await call('GET', `/v2/images/${id}`);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`GET image ${id}: ${res.status}`);
      return res.json() as GlanceRecord;
    },
    async list(query: Record<string, string> = {}): Promise<GlanceRecord[]> {
      const res = await call('GET', `/v2/images?${new URLSearchParams({ limit: '1000', ...query })}`);
      if (res.status !== 200) throw new Error(`GET images: ${res.status}`);
      return (res.json() as { images: GlanceRecord[] }).images;
    },
    async unprotectAndDelete(id: string): Promise<void> {
      const patch = [{ op: 'replace', path: '/protected', value: false }];
      await call('PATCH', `/v2/images/${id}`, patch, 'application/openstack-images-v2.1-json-patch');
      const res = await call('DELETE', `/v2/images/${id}`);
      if (res.status !== 204 && res.status !== 404) throw new Error(`DELETE image ${id}: ${res.status}`);
    },
  };
}

/** A Keystone token for the admin user, to read a Keystone-guarded Glance directly. */
export function keystoneToken(authUrl: string, password: string): () => Promise<string> {
  return () =>
    new Promise((resolve, reject) => {
      const body = Buffer.from(
        JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: 'admin', domain: { name: 'Default' }, password } },
            },
            scope: { project: { name: 'admin', domain: { name: 'Default' } } },
          },
        }),
      );
      const req = http.request(
        `${authUrl}/auth/tokens`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          res.resume();
          const token = res.headers['x-subject-token'];
          if (res.statusCode === 201 && typeof token === 'string') resolve(token);
          else reject(new Error(`Keystone login: ${res.statusCode}`));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/** Files Glance's file store holds, by image id. */
export const storedFiles = (dataDir: string) => (fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : []);

/** A self-signed certificate for 127.0.0.198 (100 years), for a TLS server no client trusts. */
export const SELF_SIGNED = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOMyznX198l1b+jFr
1W12XYpgm1Ucz/gftxcFFb3tsXahRANCAARRIVV+Y4MrW9KWYQMqpa3U1XLcOh+o
kgerWqTSbJ3q2hXqtig+ZAtLLcGmU0JBqME/zV0Orx+7d0eio06kjPRF
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBlDCCATqgAwIBAgIUOWHaEvi9uEQTt+XNGhA9/FgIp9UwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLMTI3LjAuMC4xOTgwIBcNMjYxMjA3MDExNTAyWhgPMjEyNjEx
MTMwMTE1MDJaMBYxFDASBgNVBAMMCzEyNy4wLjAuMTk4MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEUSFVfmODK1vSlmEDKqWt1NVy3DofqJIHq1qk0myd6toV6rYo
PmQLSy3BplNCQajBP81dDq8fu3dHoqNOpIz0RaNkMGIwHQYDVR0OBBYEFLpEJ8eQ
t/T/GZSJ3voxYtJLmVA5MB8GA1UdIwQYMBaAFLpEJ8eQt/T/GZSJ3voxYtJLmVA5
MA8GA1UdEwEB/wQFMAMBAf8wDwYDVR0RBAgwBocEfwAAxjAKBggqhkjOPQQDAgNI
ADBFAiAuFa7If/s+4bzJdjxjTtgMMktDrzF/JO8JjehOdaO2MAIhAIvFhR2w/sKR
3iTbfTcddK1k9axoGBGlIazomfTg5a38
-----END CERTIFICATE-----
`,
};
