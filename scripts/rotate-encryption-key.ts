/**
 * `npm run rotate-encryption-key`: re-encrypts every stored SSH private key under a new encryption key,
 * in one transaction, and prints how many it re-encrypted with the old and new key ids (never a key).
 * Run it with the portal's own environment (PORTAL_DATA_DIR and the rest); the portal may keep running.
 *
 * - With the generated key (`$PORTAL_DATA_DIR/encryption-key`, PORTAL_ENCRYPTION_KEY unset), it makes the
 *   new key itself: written to `encryption-key.next` first, then the rows are re-encrypted, then the old
 *   key is kept as `encryption-key.previous` and `.next` becomes `encryption-key`. The portal finds a
 *   value's key by id among all three files, so a crash at any point, or a running portal, still reads
 *   everything; running the script again after a crash finishes the same rotation.
 * - With PORTAL_ENCRYPTION_KEY set, the new key comes from PORTAL_NEW_ENCRYPTION_KEY (required then, at
 *   least 32 characters) and no file is written. The operator then sets PORTAL_ENCRYPTION_KEY to the new
 *   key and restarts the portal. A portal still running with the old key cannot read the re-encrypted
 *   keys until then, and seals keys it creates meanwhile with the old one: setting
 *   PORTAL_PREVIOUS_ENCRYPTION_KEY to the old key keeps those readable.
 *
 * Credentials that hold no v2 value (a v1 one that the current AUTH_SECRET cannot open) are left as they
 * are and listed. A v2 value under a key the portal does not have stops the rotation, changing nothing.
 */
import path from 'node:path';
import { errorMessage } from '../lib/errors';

async function main() {
  // Imported here, so a configuration error is reported like any other failure below.
  const { closeAllDatabases, getDb } = await import('../lib/db/client');
  const { rotateEncryptionKey } = await import('../lib/credentials/rotation');
  const { keyFiles } = await import('../lib/credentials/keyring');
  const rotation = await rotateEncryptionKey(getDb());
  await closeAllDatabases();
  console.log(
    `Re-encrypted ${rotation.resealed} credential(s) and ${rotation.resealedCloudAccounts} cloud account(s) under the new encryption key ${rotation.newKeyId} (it was ${rotation.oldKeyId}).`,
  );
  for (const { id, name } of rotation.left) {
    console.log(
      `Left as it was: credential "${name}" (${id}) is not sealed with an encryption key (an earlier AUTH_SECRET sealed it, or it is not a key).`,
    );
  }
  if (rotation.mode === 'environment') {
    console.log(
      'Now set PORTAL_ENCRYPTION_KEY to the new key (the value of PORTAL_NEW_ENCRYPTION_KEY) and restart the portal; until it restarts ' +
        'it cannot read the re-encrypted keys. To keep readable any key it creates meanwhile, also set PORTAL_PREVIOUS_ENCRYPTION_KEY to the old key.',
    );
  } else {
    const files = keyFiles();
    console.log(
      `The new key is in ${files.current}; the old one is kept in ${path.basename(files.previous)} beside it.`,
    );
  }
}

main().catch((err) => {
  console.error(`The encryption key was not rotated: ${errorMessage(err)}`);
  process.exit(1);
});
