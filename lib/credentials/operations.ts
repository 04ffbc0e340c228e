import 'server-only';
import { eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { credentials, nodes } from '@/lib/db/tables';
import { InUseError, NotFoundError } from '@/lib/errors';
import { generateCredential, getCredentialSummary, importCredential } from './sealed';
import { credentialIdSchema, generateKeySchema, importKeySchema } from './schemas';

/** SSH keys are infrastructure: SuperAdmins only. */
const infrastructureOnly = (_input: unknown, user: UserContext) => authorize(user, 'infrastructure.manage', {});

/** Generates an ed25519 key pair in the portal; only the public key is returned, to copy to the node. */
export const generateKey = defineOperation({
  name: 'credential.generate',
  targetType: 'credential',
  input: generateKeySchema,
  authorize: infrastructureOnly,
  run: async (input) => {
    const credential = await generateCredential(input.name);
    return { credentialId: credential.id, publicKey: credential.publicKey };
  },
  audited: (result, input) => ({ targetId: result.credentialId, details: { name: input.name } }),
});

/** Imports a private key (an encrypted one with its passphrase); it is never shown again. */
export const importKey = defineOperation({
  name: 'credential.import',
  targetType: 'credential',
  input: importKeySchema,
  authorize: infrastructureOnly,
  run: async (input) => {
    const credential = await importCredential(input);
    return { credentialId: credential.id, publicKey: credential.publicKey };
  },
  audited: (result, input) => ({
    targetId: result.credentialId,
    details: { name: input.name, encrypted: Boolean(input.passphrase) },
  }),
});

/** Deletes a key no node logs in with; a key in use is refused, naming the nodes. */
export const deleteKey = defineOperation({
  name: 'credential.delete',
  targetType: 'credential',
  input: credentialIdSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.credentialId });
    authorize(user, 'infrastructure.manage', {});
  },
  run: async (input) => {
    const credential = await getCredentialSummary(input.credentialId);
    if (!credential) throw new NotFoundError('The SSH key');
    const db = getDb();
    const users = await db.select({ name: nodes.name }).from(nodes).where(eq(nodes.credentialId, credential.id));
    if (users.length > 0) {
      const names = users.map((n) => n.name).join(', ');
      throw new InUseError(
        `The key "${credential.name}" cannot be deleted: node${users.length > 1 ? 's' : ''} ${names} log${users.length > 1 ? '' : 's'} in with it.`,
      );
    }
    await db.delete(credentials).where(eq(credentials.id, credential.id));
    return { name: credential.name };
  },
  audited: (result) => ({ details: { name: result.name } }),
});
