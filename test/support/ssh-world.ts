/**
 * The world most real-sshd integration tests start from: a SuperAdmin, a data center whose nodes
 * are real sshd instances on the given loopback addresses, and an HTTP mirror serving one qcow2
 * fixture for the nodes to download.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UserContext } from '@/lib/auth/policy';
import { makeQcow2, type FixtureImage } from '@/scripts/lib/fixture-image';
import { startMirror, type Mirror } from '@/scripts/lib/mirror';
import { SshNode } from '@/scripts/lib/sshd-node';
import { createDataCenterAs, createSuperAdmin, registerSshNode } from './portal';

export type SshWorld = {
  admin: UserContext;
  dataCenterId: string;
  sshNodes: SshNode[];
  nodeIds: string[];
  mirror: Mirror;
  /** The fixture, served by the mirror as `mirror.url(fixtureName)`. */
  qcow2: FixtureImage;
  stop: () => Promise<void>;
};

export async function startSshWorld(options: {
  hosts: string[];
  fixtureName: string;
  virtualMb?: number;
  dataMb?: number;
}): Promise<SshWorld> {
  const mirrorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-mirror-'));
  const qcow2 = makeQcow2(path.join(mirrorDir, options.fixtureName), options.virtualMb ?? 32, options.dataMb ?? 2);
  const mirror = await startMirror(mirrorDir);
  const admin = await createSuperAdmin();
  const dataCenterId = await createDataCenterAs(admin);
  const sshNodes: SshNode[] = [];
  const nodeIds: string[] = [];
  for (const host of options.hosts) {
    const node = await SshNode.start({ host });
    sshNodes.push(node);
    nodeIds.push((await registerSshNode(admin, dataCenterId, node)).nodeId);
  }
  const stop = async () => {
    await Promise.all(sshNodes.map((n) => n.stop()));
    await mirror.close();
  };
  return { admin, dataCenterId, sshNodes, nodeIds, mirror, qcow2, stop };
}
