import 'server-only';
import { resealLegacyCredentials } from '@/lib/credentials/legacy';
import type { MigratingDb } from './migrate';

/**
 * Changes to the data itself that SQL migrations cannot make, because they need the portal's code or
 * keys. They run after the schema migrations every time a process opens the database, so each one
 * must be idempotent and cheap once done. They run on SQLite's own synchronous handle, before the
 * connection serves anything else.
 */
export function applyDataMigrations(db: MigratingDb): void {
  credentialsToV2(db);
}

/** Stored SSH keys move from the AUTH_SECRET-derived key (`v1`) to the encryption key (`v2`). */
function credentialsToV2(db: MigratingDb): void {
  const { resealed, unreadable } = resealLegacyCredentials(db);
  if (resealed > 0)
    console.log(`[portal] Re-encrypted ${resealed} stored SSH key(s) under the portal's encryption key.`);
  if (unreadable.length > 0) {
    console.warn(
      `[portal] ${unreadable.length} stored SSH key(s) could not be re-encrypted: the AUTH_SECRET they were sealed with has changed ` +
        `(credential ${unreadable.join(', ')}). They are left as they are; restore that AUTH_SECRET and restart to migrate them.`,
    );
  }
}
