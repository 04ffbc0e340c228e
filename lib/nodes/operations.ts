import 'server-only';
import { authorizeOnNode, requireNode } from './queries';
import { requireDataCenter } from '@/lib/locations/queries';
import { and, eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize, type UserContext } from '@/lib/auth/policy';
import { now, newId } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { getCredentialSummary, importCredential } from '@/lib/credentials/sealed';
import { publicKeyOf } from '@/lib/credentials/keys';
import { firstRow, getDb } from '@/lib/db/client';
import { nodes } from '@/lib/db/tables';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { SshSession } from '@/lib/ssh/session';
import { readCapacity } from './capacity';
import { connectWithCredential, withNodeSession } from './connection';
import { confirmRegistrationKey, discardAbandonedRegistrationKeys, provisionalKeyExpiry } from './registration-keys';
import { nodeIdSchema, probeNodeSchema, registerNodeSchema } from './schemas';

/** Nodes are infrastructure: SuperAdmins only, in a data center that exists. */
async function authorizeNodeInDataCenter(
  input: { dataCenterId: string; name: string; host: string; port: number },
  user: UserContext,
  note: (facts: { dataCenterId: string; details: Record<string, unknown> }) => void,
) {
  note({ dataCenterId: input.dataCenterId, details: { name: input.name, host: input.host, port: input.port } });
  authorize(user, 'infrastructure.manage', {});
  await requireDataCenter(input.dataCenterId);
}

// Keys a registration makes are provisional until the node is registered (./registration-keys.ts).
export { discardRegistrationKey, generateRegistrationKey } from './registration-keys';

/**
 * Registration, step one: connect once, accepting whatever host key the node presents, and report its
 * fingerprint for the admin to compare. A pasted private key is stored (encrypted) only once it has
 * logged in, so failed attempts leave no stray credentials, and only provisionally until the node is
 * registered, so an abandoned registration leaves none either.
 */
export const probeNode = defineOperation({
  name: 'node.probe',
  targetType: 'node',
  input: probeNodeSchema,
  authorize: authorizeNodeInDataCenter,
  run: async (input) => {
    const connection = { host: input.host, port: input.port, sshUser: input.sshUser };
    if (input.credentialId) {
      if (!(await getCredentialSummary(input.credentialId))) throw new NotFoundError('The SSH key');
      const session = await connectWithCredential(
        { ...connection, credentialId: input.credentialId },
        { trustOnFirstUse: true },
      );
      session.close();
      return { credentialId: input.credentialId, fingerprint: session.hostKeyFingerprint };
    }
    const privateKey = input.privateKey!;
    publicKeyOf(privateKey, input.passphrase); // a clear field error before any network traffic
    const session = await SshSession.connect(
      { ...connection, username: input.sshUser, privateKey, passphrase: input.passphrase },
      { trustOnFirstUse: true },
      getConfig().sshTimeoutMs,
    );
    session.close();
    const name = `${input.name} (${input.sshUser}@${input.host})`;
    await discardAbandonedRegistrationKeys();
    const credential = await importCredential(
      { name, privateKey, passphrase: input.passphrase },
      { provisionalUntil: provisionalKeyExpiry() },
    );
    return { credentialId: credential.id, fingerprint: session.hostKeyFingerprint };
  },
  audited: (result) => ({ details: { fingerprint: result.fingerprint } }),
});

/**
 * Registration, step two: the admin confirmed the fingerprint. Connect again pinned to exactly that
 * key (a node that changed its key in between is refused), read capacity, and save the node.
 */
export const registerNode = defineOperation({
  name: 'node.register',
  targetType: 'node',
  input: registerNodeSchema,
  authorize: authorizeNodeInDataCenter,
  run: async (input) => {
    await assertNodeIsNew(input);
    if (!(await getCredentialSummary(input.credentialId))) throw new NotFoundError('The SSH key');
    const session = await connectWithCredential(input, { pinned: input.hostKeyFingerprint });
    try {
      const capacity = await readCapacity(session, input.imageDir);
      const id = newId();
      const at = now();
      await getDb().transaction(async (tx) => {
        await tx
          .insert(nodes)
          .values({ id, ...input, ...capacity, status: 'enabled', lastSeenAt: at, createdAt: at, updatedAt: at });
        await confirmRegistrationKey(tx, input.credentialId);
      });
      return { id };
    } finally {
      session.close();
    }
  },
  audited: (result, input) => ({ targetId: result.id, details: { fingerprint: input.hostKeyFingerprint } }),
});

/** "Test connection": connect pinned, refresh CPUs, memory and free disk of the image directory. */
export const testNodeConnection = defineOperation({
  name: 'node.test-connection',
  targetType: 'node',
  input: nodeIdSchema,
  authorize: authorizeOnNode,
  run: async (input) => {
    const node = await requireNode(input.nodeId);
    const capacity = await withNodeSession(node, (session) => readCapacity(session, node.imageDir));
    await getDb()
      .update(nodes)
      .set({ ...capacity, updatedAt: now() })
      .where(eq(nodes.id, node.id));
    return capacity;
  },
});

/** Anything done to a registered node: SuperAdmins only, recorded against the node and its data center. */
async function assertNodeIsNew(input: { dataCenterId: string; name: string; host: string; port: number }) {
  const db = getDb();
  const sameName = await firstRow(
    db
      .select({ id: nodes.id })
      .from(nodes)
      .where(and(eq(nodes.dataCenterId, input.dataCenterId), eq(nodes.name, input.name))),
  );
  if (sameName)
    throw new ConflictError('That name is taken.', {
      name: [`This data center already has a node named "${input.name}".`],
    });
  const sameAddress = await firstRow(
    db
      .select({ name: nodes.name })
      .from(nodes)
      .where(and(eq(nodes.host, input.host), eq(nodes.port, input.port))),
  );
  if (sameAddress) {
    throw new ConflictError('That address is registered.', {
      host: [`${input.host}:${input.port} is already registered as node "${sameAddress.name}".`],
    });
  }
}

// The node's other operations live beside it, one concern each; this file is where they are all found.
export { readNodeHostKey, repinNodeHostKey } from './host-key';
export { setNodeDcAddress } from './dc-address';
export { decommissionNode, enableNode, putNodeInMaintenance } from './status';
