import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { getConfig } from '@/lib/config';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { nodes } from '@/lib/db/schema';
import { unsealCredential } from '@/lib/credentials/store';
import { errorMessage } from '@/lib/errors';
import { SshSession, type HostKeyPolicy } from '@/lib/ssh/session';

type NodeConnection = {
  host: string;
  port: number;
  sshUser: string;
  credentialId: string;
};

/** Opens an SSH session to a node with its stored credential. */
export async function connectWithCredential(node: NodeConnection, hostKey: HostKeyPolicy): Promise<SshSession> {
  const key = unsealCredential(node.credentialId);
  return SshSession.connect(
    { host: node.host, port: node.port, username: node.sshUser, privateKey: key.privateKey, passphrase: key.passphrase },
    hostKey,
    getConfig().sshTimeoutMs,
  );
}

type RegisteredNode = NodeConnection & { id: string; hostKeyFingerprint: string };

/**
 * Runs `work` on a session to a registered node, pinned to its host key, and keeps the node's health
 * current: a success clears the failure count, a failed connection records why.
 */
export async function withNodeSession<T>(node: RegisteredNode, work: (session: SshSession) => Promise<T>): Promise<T> {
  let session: SshSession;
  try {
    session = await connectWithCredential(node, { pinned: node.hostKeyFingerprint });
  } catch (err) {
    recordConnectionFailure(node.id, errorMessage(err));
    throw err;
  }
  try {
    getDb()
      .update(nodes)
      .set({ lastSeenAt: now(), consecutiveFailures: 0, lastError: null })
      .where(eq(nodes.id, node.id))
      .run();
    return await work(session);
  } finally {
    session.close();
  }
}

function recordConnectionFailure(nodeId: string, message: string): void {
  getDb()
    .update(nodes)
    .set({ lastError: message, consecutiveFailures: sql`${nodes.consecutiveFailures} + 1`, updatedAt: now() })
    .where(eq(nodes.id, nodeId))
    .run();
}
