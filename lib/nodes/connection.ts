import 'server-only';
import { getConfig } from '@/lib/config';
import { unsealCredential } from '@/lib/credentials/sealed';
import { errorMessage } from '@/lib/errors';
import { SshSession, type HostKeyPolicy } from '@/lib/ssh/session';
import { recordConnectionFailure, recordConnectionSuccess } from './health';

type NodeConnection = {
  host: string;
  port: number;
  sshUser: string;
  credentialId: string;
};

/** Opens an SSH session to a node with its stored credential. */
export async function connectWithCredential(node: NodeConnection, hostKey: HostKeyPolicy): Promise<SshSession> {
  const key = await unsealCredential(node.credentialId);
  return SshSession.connect(
    {
      host: node.host,
      port: node.port,
      username: node.sshUser,
      privateKey: key.privateKey,
      passphrase: key.passphrase,
    },
    hostKey,
    getConfig().sshTimeoutMs,
  );
}

type RegisteredNode = NodeConnection & { id: string; hostKeyFingerprint: string };

/**
 * Runs `work` on a session to a registered node, pinned to its host key, and keeps the node's health
 * current (./health.ts): a success clears the failure count, a failed connection (a changed host key
 * included) records why and may put the node in `error`. Only the connection counts: a command that
 * fails later says nothing about whether the node is reachable. Every connection to a registered
 * node goes through here, jobs included, so the count is the node's whole story.
 */
export async function withNodeSession<T>(node: RegisteredNode, work: (session: SshSession) => Promise<T>): Promise<T> {
  let session: SshSession;
  try {
    session = await connectWithCredential(node, { pinned: node.hostKeyFingerprint });
  } catch (err) {
    await recordConnectionFailure(node.id, errorMessage(err));
    throw err;
  }
  try {
    await recordConnectionSuccess(node.id);
    return await work(session);
  } finally {
    session.close();
  }
}
