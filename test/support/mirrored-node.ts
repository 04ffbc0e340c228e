import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UserContext } from '@/lib/auth/policy';
import { makeQcow2, type FixtureImage } from '@/scripts/lib/fixture-image';
import { startMirror, type Mirror } from '@/scripts/lib/mirror';
import { SshNode, type SshNodeOptions } from '@/scripts/lib/sshd-node';
import { createDataCenterAs, createSuperAdmin, registerSshNode } from './portal';

export type MirroredNode = {
  node: SshNode;
  mirror: Mirror;
  image: FixtureImage;
  admin: UserContext;
  nodeId: string;
  stop: () => Promise<void>;
};

/**
 * The world most install tests start from: a real sshd node, registered by a fresh SuperAdmin in
 * a fresh data center, and a loopback mirror serving one small qcow2 for the node to download.
 */
export async function startMirroredNode(
  options: SshNodeOptions & { imageName: string; virtualMb?: number; dataMb?: number },
): Promise<MirroredNode> {
  const { imageName, virtualMb = 64, dataMb = 8, ...nodeOptions } = options;
  const mirrorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-mirror-'));
  const image = makeQcow2(path.join(mirrorDir, imageName), virtualMb, dataMb);
  const mirror = await startMirror(mirrorDir);
  const node = await SshNode.start(nodeOptions);
  const admin = await createSuperAdmin();
  const { nodeId } = await registerSshNode(admin, await createDataCenterAs(admin), node);
  return {
    node,
    mirror,
    image,
    admin,
    nodeId,
    stop: async () => {
      await node.stop();
      await mirror.close();
    },
  };
}
