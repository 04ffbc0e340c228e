import 'server-only';
import { and, eq, isNotNull, lt, notExists } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { generateCredential } from '@/lib/credentials/sealed';
import { getDb, type Tx, changedRows } from '@/lib/db/client';
import { credentials, nodes } from '@/lib/db/tables';
import { ConflictError } from '@/lib/errors';
import { z } from 'zod';
import { id } from '@/lib/validation';

/**
 * A key made during a node registration (pasted, or generated for the admin to copy to the node) is
 * provisional until the node is registered with it. A registration abandoned (the tab closed, the
 * admin gone) must not leave a key behind: Cancel deletes it at once, and any provisional key older
 * than REGISTRATION_KEY_TTL_MS that no node logs in with is deleted at start-up and whenever another
 * registration begins. A key chosen from Credentials is never provisional, so it is never touched.
 */
export const REGISTRATION_KEY_TTL_MS = 60 * 60 * 1000;

export const provisionalKeyExpiry = () => new Date(now().getTime() + REGISTRATION_KEY_TTL_MS);

const noNodeUses = () =>
  notExists(getDb().select({ id: nodes.id }).from(nodes).where(eq(nodes.credentialId, credentials.id)));

/** The node is registered: its key is a key like any other from now on. */
export async function confirmRegistrationKey(tx: Pick<Tx, 'update'>, credentialId: string): Promise<void> {
  await tx.update(credentials).set({ provisionalUntil: null }).where(eq(credentials.id, credentialId));
}

/** Deletes the keys of registrations abandoned before `at`; returns how many. */
export async function discardAbandonedRegistrationKeys(at = now()): Promise<number> {
  return changedRows(
    await getDb()
      .delete(credentials)
      .where(and(isNotNull(credentials.provisionalUntil), lt(credentials.provisionalUntil, at), noNodeUses())),
  );
}

const infrastructureOnly = (_input: unknown, user: Parameters<typeof authorize>[0]) =>
  authorize(user, 'infrastructure.manage', {});

/** Registration may generate its key pair; the private half never leaves the server. */
export const generateRegistrationKey = defineOperation({
  name: 'credential.generate',
  targetType: 'credential',
  input: z.object({ name: z.string().trim().min(1).max(200) }),
  authorize: infrastructureOnly,
  run: async (input) => {
    await discardAbandonedRegistrationKeys();
    const credential = await generateCredential(input.name, { provisionalUntil: provisionalKeyExpiry() });
    return { credentialId: credential.id, publicKey: credential.publicKey };
  },
  audited: (result, input) => ({ targetId: result.credentialId, details: { name: input.name, provisional: true } }),
});

/** Cancel on the registration form: its provisional key goes at once. A key of Credentials is refused. */
export const discardRegistrationKey = defineOperation({
  name: 'credential.discard',
  targetType: 'credential',
  input: z.object({ credentialId: id }),
  authorize: (input, user, note) => {
    note({ targetId: input.credentialId });
    infrastructureOnly(input, user);
  },
  run: async (input) => {
    const removed = changedRows(
      await getDb()
        .delete(credentials)
        .where(and(eq(credentials.id, input.credentialId), isNotNull(credentials.provisionalUntil), noNodeUses())),
    );
    if (removed === 0)
      throw new ConflictError('That key is not one an unfinished registration made, so it stays in Credentials.');
    return { credentialId: input.credentialId };
  },
});
