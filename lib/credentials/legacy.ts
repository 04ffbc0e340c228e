import 'server-only';
import { eq, like } from 'drizzle-orm';
import type { MigratingDb } from '@/lib/db/migrate';
import { credentials } from '@/lib/db/schema';
import { decryptLegacySecret, encryptSecret } from './crypto';

export type LegacyReseal = { resealed: number; unreadable: string[] };

/**
 * Reseals every `v1` credential (under the AUTH_SECRET-derived key, no AAD) as `v2` under the
 * encryption key, with its id as AAD, in one transaction. One that the current AUTH_SECRET cannot
 * open is left as it is: the secret it needs may come back, and reading it meanwhile gives a clear error.
 * Runs at every open of a SQLite database (keys sealed as v1 predate PostgreSQL), so it must cost
 * nothing once every row is v2, and change nothing on a second run.
 */
export function resealLegacyCredentials(db: MigratingDb): LegacyReseal {
  const legacyRows = (reader: Pick<MigratingDb, 'select'>) =>
    reader
      .select({ id: credentials.id, sealed: credentials.encryptedPrivateKey })
      .from(credentials)
      .where(like(credentials.encryptedPrivateKey, 'v1.%'))
      .all();
  // Looked at first outside a transaction, so that opening a migrated database takes no write lock.
  if (legacyRows(db).length === 0) return { resealed: 0, unreadable: [] };
  // Immediate: two processes opening the database together take turns, and the second finds nothing left.
  return db.transaction(
    (tx) => {
      const outcome: LegacyReseal = { resealed: 0, unreadable: [] };
      for (const row of legacyRows(tx)) {
        let plaintext: string;
        try {
          plaintext = decryptLegacySecret(row.sealed);
        } catch {
          outcome.unreadable.push(row.id);
          continue;
        }
        tx.update(credentials)
          .set({ encryptedPrivateKey: encryptSecret(plaintext, row.id) })
          .where(eq(credentials.id, row.id))
          .run();
        outcome.resealed++;
      }
      return outcome;
    },
    { behavior: 'immediate' },
  );
}
