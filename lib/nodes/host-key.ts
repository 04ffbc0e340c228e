import 'server-only';
import { eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { nodes } from '@/lib/db/tables';
import { ConflictError, errorMessage } from '@/lib/errors';
import { HostKeyMismatchError, type HostKeyPolicy } from '@/lib/ssh/session';
import { connectWithCredential } from './connection';
import { recordConnectionFailure, recordConnectionSuccess } from './health';
import { authorizeOnNode, requireNode } from './queries';
import { nodeIdSchema, repinHostKeySchema } from './schemas';

/**
 * Re-pinning a node's host key (e.g. after the node was reinstalled) takes two steps, as
 * registration does: read the key the node presents now and show it beside the pinned one; then
 * pin exactly the fingerprint the admin confirmed, which the server reads again, so a key that
 * changed once more in between is refused rather than trusted.
 */

type Node = Awaited<ReturnType<typeof requireNode>>;

/** Connects with the node's own credential; a failure counts against the node like any other. */
async function presentedFingerprint(node: Node, hostKey: HostKeyPolicy): Promise<string> {
  try {
    const session = await connectWithCredential(node, hostKey);
    session.close();
    return session.hostKeyFingerprint;
  } catch (err) {
    if (!(err instanceof HostKeyMismatchError)) await recordConnectionFailure(node.id, errorMessage(err));
    throw err;
  }
}

/** Step one: the fingerprint the node presents now, next to the pinned one. Nothing changes. */
export const readNodeHostKey = defineOperation({
  name: 'node.host-key.read',
  targetType: 'node',
  input: nodeIdSchema,
  authorize: authorizeOnNode,
  run: async (input) => {
    const node = await requireNode(input.nodeId);
    // Accepting any key here is safe: nothing is sent but the login, and nothing is pinned yet.
    const presented = await presentedFingerprint(node, { trustOnFirstUse: true });
    return { pinned: node.hostKeyFingerprint, presented };
  },
  audited: (result) => ({ details: result }),
});

/** Step two: pin the fingerprint the admin confirmed, if the node still presents exactly that key. */
export const repinNodeHostKey = defineOperation({
  name: 'node.host-key.repin',
  targetType: 'node',
  input: repinHostKeySchema,
  authorize: authorizeOnNode,
  run: async (input) => {
    const node = await requireNode(input.nodeId);
    if (input.fingerprint === node.hostKeyFingerprint) {
      throw new ConflictError(
        `${input.fingerprint} is already the pinned host key of ${node.name}; nothing to re-pin.`,
      );
    }
    try {
      await presentedFingerprint(node, { pinned: input.fingerprint });
    } catch (err) {
      if (!(err instanceof HostKeyMismatchError)) throw err;
      throw new ConflictError(
        `Node ${node.name} now presents ${err.presented}, not the ${input.fingerprint} you confirmed: its key changed again. ` +
          'Nothing was re-pinned; read the host key again and compare it on the node.',
      );
    }
    await getDb()
      .update(nodes)
      .set({ hostKeyFingerprint: input.fingerprint, updatedAt: now() })
      .where(eq(nodes.id, node.id));
    // The pinned connection just succeeded; the status stays as it is (an error node waits for Enable).
    await recordConnectionSuccess(node.id);
    return { oldFingerprint: node.hostKeyFingerprint, newFingerprint: input.fingerprint };
  },
  audited: (result) => ({ details: result }),
});
