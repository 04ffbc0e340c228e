import 'server-only';
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { getConfig } from '@/lib/config';
import type { Db } from '@/lib/db/types';
import { cloudAccounts, credentials } from '@/lib/db/tables';
import { UnavailableError, ValidationError, errorMessage } from '@/lib/errors';
import { decryptSecret, sealWith } from './crypto';
import {
  MIN_KEY_LENGTH,
  createKeyFileOnce,
  currentKey,
  deriveKey,
  getKey,
  generateKeyMaterial,
  keyFiles,
  readKeyFile,
  renameSynced,
  replaceKeyFile,
  type SealingKey,
} from './keyring';

export type Rotation = {
  mode: 'file' | 'environment';
  oldKeyId: string;
  newKeyId: string;
  resealed: number;
  /** Cloud accounts whose secrets were re-encrypted too. */
  resealedCloudAccounts: number;
  /** Rows holding no v2 value (a v1 one the current AUTH_SECRET cannot open, or none at all): left as they are. */
  left: { id: string; name: string }[];
};

/**
 * Re-encrypts every credential and cloud account's secrets under a new key in one transaction (see scripts/rotate-encryption-key.ts).
 *
 * With the generated key file the steps are ordered so that a crash anywhere leaves every value
 * readable by key id (./keyring.ts): the new key is written to `encryption-key.next` first, then the
 * rows move to it, then the old key is kept as `encryption-key.previous` and `.next` is renamed over
 * `encryption-key`. A run that finds a `.next` left by a crash takes that key again rather than making
 * another, because rows may already be sealed with it.
 */
export async function rotateEncryptionKey(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<Rotation> {
  const config = getConfig();
  const old = currentKey();
  if (config.encryptionKey !== undefined) {
    const next = keyFromEnvironment(env.PORTAL_NEW_ENCRYPTION_KEY, old);
    return { mode: 'environment', oldKeyId: old.id, newKeyId: next.id, ...(await reseal(db, next)) };
  }

  const files = keyFiles(config.dataDir);
  const resuming = readKeyFile(files.next) !== undefined;
  const next = deriveKey(createKeyFileOnce(files.next, generateKeyMaterial()));
  let outcome: Omit<Rotation, 'mode' | 'oldKeyId' | 'newKeyId'>;
  try {
    outcome = await reseal(db, next);
  } catch (err) {
    // Nothing was committed, so no row is sealed with a key made by this run.
    if (!resuming) fs.rmSync(files.next, { force: true });
    throw err;
  }
  replaceKeyFile(files.previous, readKeyFile(files.current)!);
  renameSynced(files.next, files.current);
  return { mode: 'file', oldKeyId: old.id, newKeyId: next.id, ...outcome };
}

function keyFromEnvironment(material: string | undefined, old: SealingKey): SealingKey {
  if (!material) {
    throw new ValidationError(
      'PORTAL_ENCRYPTION_KEY is set, so the new key must come from PORTAL_NEW_ENCRYPTION_KEY, which is not set.',
    );
  }
  if (material.length < MIN_KEY_LENGTH)
    throw new ValidationError(`PORTAL_NEW_ENCRYPTION_KEY must be at least ${MIN_KEY_LENGTH} characters.`);
  const next = deriveKey(material);
  if (next.id === old.id)
    throw new ValidationError('PORTAL_NEW_ENCRYPTION_KEY is the key PORTAL_ENCRYPTION_KEY already holds.');
  return next;
}

async function reseal(db: Db, next: SealingKey): Promise<Omit<Rotation, 'mode' | 'oldKeyId' | 'newKeyId'>> {
  // A run resumed after a crash finds rows already sealed with the new key.
  const lookup = (keyId: string) => (keyId === next.id ? next : getKey(keyId));
  // Immediate: a portal writing a credential meanwhile waits for the commit instead of racing it.
  return db.transaction(
    async (tx) => {
      const rows = await tx.select().from(credentials);
      const left: Rotation['left'] = [];
      let resealed = 0;
      let resealedCloudAccounts = 0;
      for (const row of rows) {
        if (!row.encryptedPrivateKey.startsWith('v2.')) {
          left.push({ id: row.id, name: row.name });
          continue;
        }
        let plaintext: string;
        try {
          plaintext = decryptSecret(row.encryptedPrivateKey, row.id, lookup);
        } catch (err) {
          // Rolls everything back: a key that cannot be read now could not be rotated later either.
          throw new UnavailableError(`Nothing was changed. Credential "${row.name}" (${row.id}): ${errorMessage(err)}`);
        }
        await tx
          .update(credentials)
          .set({ encryptedPrivateKey: sealWith(next, plaintext, row.id) })
          .where(eq(credentials.id, row.id));
        resealed++;
      }
      // Cloud accounts' secrets are sealed under the same key, with the account's id as AAD.
      for (const account of await tx.select().from(cloudAccounts)) {
        let plaintext: string;
        try {
          plaintext = decryptSecret(account.sealedSecrets, account.id, lookup);
        } catch (err) {
          throw new UnavailableError(
            `Nothing was changed. Cloud account "${account.name}" (${account.id}): ${errorMessage(err)}`,
          );
        }
        await tx
          .update(cloudAccounts)
          .set({ sealedSecrets: sealWith(next, plaintext, account.id) })
          .where(eq(cloudAccounts.id, account.id));
        resealedCloudAccounts++;
      }
      return { resealed, resealedCloudAccounts, left };
    },
    { behavior: 'immediate' },
  );
}
