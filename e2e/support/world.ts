import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from '@playwright/test';
import { E2E_LANE } from './lane';
import { SshNode } from '../../scripts/lib/sshd-node';
import type { Api } from './api';
import { readFixture } from './fixture';

export type DataCenter = { id: string; name: string; code: string };
export type Node = {
  id: string;
  name: string;
  host: string;
  port: number;
  imageDir: string;
  fingerprint: string;
  dataCenter: DataCenter;
};
export type Image = { id: string; name: string; version: string };
type Placement = { attachTo?: { id: string }[] };
export type User = { id: string; username: string; password: string };

/**
 * What one test makes for itself through the JSON API, named with the test's own suffix so that
 * tests running side by side never see each other's data centers, nodes, images or users by name.
 * The sshd nodes it starts are the test's alone and stop when the test ends.
 */
export type World = {
  /** Eight hex digits, the same for everything one test makes; fixed length, so no name is a prefix of another. */
  suffix: string;
  unique: (base: string) => string;
  dataCenter: (base?: string) => Promise<DataCenter>;
  /** A running sshd node, not registered: for a spec that registers it through the browser. */
  sshNode: () => Promise<SshNode>;
  /** A running sshd node registered in the data center: probed, then its fingerprint confirmed. */
  node: (dataCenter: DataCenter, base?: string) => Promise<Node>;
  /** A global image by a URL nothing downloads from; `fields` override the API's create body. */
  /** A global image; `attachTo` attaches it where its installs go (a node offers only images attached to its data center). */
  image: (base: string, fields?: Record<string, unknown>, placement?: Placement) => Promise<Image>;
  /** A global image of the mirror's real qcow2, which nodes download (at `bytesPerSecond`, if given). */
  mirrorImage: (base: string, options?: { bytesPerSecond?: number } & Placement) => Promise<Image>;
  /** A user holding the given roles; returns the credentials to sign in with. */
  user: (base: string, grants?: { role: string; dataCenterId: string }[]) => Promise<User>;
  machine: (node: Node, image: Image, base?: string) => Promise<{ id: string; name: string }>;
  /** The upstream portal's IMGAPI, added as a repository under a name of the test's own. */
  repository: (base?: string) => Promise<{ id: string; name: string; url: string }>;
};

/** Where this worker's next sshd node listens: the third octet is the worker, the fourth counts its nodes. */
let nodesStarted = 0;
function nextNodeHost(workerIndex: number): string {
  const n = nodesStarted++;
  return `127.0.${E2E_LANE.nodeOctetBase + (workerIndex % 24)}.${1 + (n % 254)}`;
}

export function createWorld(api: Api, workerIndex: number): { world: World; dispose: () => Promise<void> } {
  const suffix = crypto.randomBytes(4).toString('hex');
  const unique = (base: string) => `${base}-${suffix}`;
  const started: SshNode[] = [];

  const sshNode = async () => {
    // A distinct address per node: two workers asking for a free port on one address could race for it.
    const node = await SshNode.start({ host: nextNodeHost(workerIndex) });
    started.push(node);
    return node;
  };

  const image = async (base: string, fields: Record<string, unknown> = {}, { attachTo = [] }: Placement = {}) => {
    const name = unique(base);
    const body = {
      name,
      version: '1',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      sourceUrl: `http://127.0.0.1:9/${name}.qcow2`,
      sha256: 'f'.repeat(64),
      // Specs' images are shared the way an admin shares them; the private default is tested on its own.
      access: 'public',
      // The placeholder URL answers nothing, on purpose: nothing downloads from it.
      skipUrlCheck: true,
      ...fields,
    };
    const { id } = await api.post('/images', body);
    for (const dataCenter of attachTo) await api.put(`/images/${id}/data-centers/${dataCenter.id}`);
    return { id, name, version: String(body.version) } satisfies Image;
  };

  const world: World = {
    suffix,
    unique,
    sshNode,
    image,

    dataCenter: async (base = 'DC') => {
      const name = `${base} ${suffix}`;
      const slug = base.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      const code = `${slug.slice(0, 31 - suffix.length)}-${suffix}`.replace(/^-+/, '');
      const { id } = await api.post('/data-centers', { code, name });
      return { id, name, code };
    },

    node: async (dataCenter, base = 'node') => {
      const ssh = await sshNode();
      const connection = {
        name: unique(base),
        host: ssh.host,
        port: String(ssh.port),
        sshUser: ssh.user,
        imageDir: ssh.imageDir,
      };
      const probed = await api.post(`/data-centers/${dataCenter.id}/node-probes`, {
        ...connection,
        privateKey: ssh.privateKey,
      });
      expect(probed.fingerprint, 'the probe reached this test’s own node').toBe(ssh.hostKeyFingerprint);
      const { id } = await api.post(`/data-centers/${dataCenter.id}/nodes`, {
        ...connection,
        credentialId: probed.credentialId,
        hostKeyFingerprint: probed.fingerprint,
      });
      return { ...connection, id, port: ssh.port, fingerprint: probed.fingerprint, dataCenter };
    },

    mirrorImage: async (base, { bytesPerSecond, attachTo } = {}) => {
      const { url, sha256 } = readFixture().image;
      return image(base, { sourceUrl: bytesPerSecond ? `${url}?rate=${bytesPerSecond}` : url, sha256 }, { attachTo });
    },

    user: async (base, grants = []) => {
      const username = unique(base);
      const password = `${username}-password-1`;
      const { id } = await api.post('/users', { username, password });
      for (const { role, dataCenterId } of grants) await api.put(`/users/${id}/grants/${dataCenterId}/${role}`);
      return { id, username, password };
    },

    machine: async (node, machineImage, base = 'vm') => {
      const name = unique(base);
      const { machineId } = await api.post('/machines', { name, nodeId: node.id, imageId: machineImage.id });
      return { id: machineId, name };
    },

    repository: async (base = 'repository') => {
      const name = unique(base);
      const { url } = readFixture().repository;
      const { id } = await api.post('/repositories', { name, url });
      return { id, name, url };
    },
  };

  const dispose = async () => {
    for (const node of started) {
      await node.stop();
      fs.rmSync(node.baseDir, { recursive: true, force: true });
    }
  };
  return { world, dispose };
}
