import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb, firstRow } from '@/lib/db/client';
import { credentials } from '@/lib/db/tables';
import { newId, now } from '@/lib/clock';
import { NotFoundError } from '@/lib/errors';
import { decryptSecret, encryptSecret } from './crypto';
import { decryptedKeyPair, generateEd25519 } from './keys';

/** What is encrypted at rest. `passphrase` only in rows stored before keys were kept decrypted. */
type SealedKey = { privateKey: string; passphrase?: string };

export type CredentialSummary = { id: string; name: string; publicKey: string };

/**
 * Stores a pasted private key (checked first) encrypted; returns only public parts. An encrypted key
 * is decrypted with its passphrase first and the passphrase is dropped: keeping it beside the key
 * under the same encryption would add nothing but one more secret to leak.
 */
export async function importCredential(
  input: { name: string; privateKey: string; passphrase?: string },
  options: StoreOptions = {},
): Promise<CredentialSummary> {
  const pair = decryptedKeyPair(input.privateKey, input.passphrase);
  return await insert(input.name, pair.publicKey, { privateKey: pair.privateKey }, options);
}

/** `provisionalUntil`: the key of an unfinished node registration (lib/nodes/registration-keys.ts). */
type StoreOptions = { provisionalUntil?: Date };

/** Generates an ed25519 key pair in the portal; the private half never leaves the server. */
export async function generateCredential(name: string, options: StoreOptions = {}): Promise<CredentialSummary> {
  const pair = generateEd25519(`cloud-broker-portal:${name}`);
  return await insert(name, pair.publicKey, { privateKey: pair.privateKey }, options);
}

async function insert(
  name: string,
  publicKey: string,
  secret: SealedKey,
  options: StoreOptions,
): Promise<CredentialSummary> {
  // The id is sealed with the key (as AAD), so it must exist before the ciphertext does.
  const id = newId();
  await getDb()
    .insert(credentials)
    .values({
      id,
      name,
      publicKey,
      encryptedPrivateKey: encryptSecret(JSON.stringify(secret), id),
      provisionalUntil: options.provisionalUntil ?? null,
      createdAt: now(),
    });
  return { id, name, publicKey };
}

export async function getCredentialSummary(id: string): Promise<CredentialSummary | undefined> {
  return await firstRow(
    getDb()
      .select({ id: credentials.id, name: credentials.name, publicKey: credentials.publicKey })
      .from(credentials)
      .where(eq(credentials.id, id)),
  );
}

/** The decrypted key, for the SSH layer only. */
export async function unsealCredential(id: string): Promise<SealedKey> {
  const row = await firstRow(getDb().select().from(credentials).where(eq(credentials.id, id)));
  if (!row) throw new NotFoundError('The SSH credential');
  return JSON.parse(decryptSecret(row.encryptedPrivateKey, row.id)) as SealedKey;
}
