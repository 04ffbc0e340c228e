import 'server-only';
import { eq } from 'drizzle-orm';
import { newId, now } from '@/lib/clock';
import { decryptSecret, encryptSecret } from '@/lib/credentials/crypto';
import { getDb, firstRow } from '@/lib/db/client';
import { cloudAccounts } from '@/lib/db/tables';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { missingConnectionFields } from './schemas';
import {
  azureBlobSecrets,
  azureBlobSettings,
  openstackSecrets,
  openstackSettings,
  s3Secrets,
  s3Settings,
  type CloudConnection,
} from './settings';

/**
 * Cloud account rows and their sealed secrets. Secrets are sealed with the account's id as AAD (as
 * SSH keys are), so a value copied into another row does not open; they leave this module only
 * inside a CloudConnection, for a target to use.
 */

export type CloudAccountRow = typeof cloudAccounts.$inferSelect;

export async function requireCloudAccount(accountId: string): Promise<CloudAccountRow> {
  const row = await firstRow(getDb().select().from(cloudAccounts).where(eq(cloudAccounts.id, accountId)));
  if (!row) throw new NotFoundError('The cloud account');
  return row;
}

/** The account's settings and unsealed secrets, checked against its kind's schemas. */
export function loadConnection(account: CloudAccountRow): CloudConnection {
  const secrets: unknown = JSON.parse(decryptSecret(account.sealedSecrets, account.id));
  switch (account.kind) {
    case 'openstack':
      return {
        kind: 'openstack',
        settings: openstackSettings.parse(account.settings),
        secrets: openstackSecrets.parse(secrets),
      };
    case 's3':
      return { kind: 's3', settings: s3Settings.parse(account.settings), secrets: s3Secrets.parse(secrets) };
    case 'azure-blob':
      return {
        kind: 'azure-blob',
        settings: azureBlobSettings.parse(account.settings),
        secrets: azureBlobSecrets.parse(secrets),
      };
  }
}

/** Names of the secret fields the account holds, so a form can say "stored" without showing them. */
export function storedSecretNames(account: CloudAccountRow): string[] {
  const secrets = JSON.parse(decryptSecret(account.sealedSecrets, account.id)) as Record<string, unknown>;
  return Object.keys(secrets).filter((k) => secrets[k] !== undefined);
}

function assertComplete(connection: CloudConnection): void {
  const missing = missingConnectionFields(connection);
  if (Object.keys(missing).length > 0) throw new ValidationError('Some connection details are missing.', missing);
}

type AccountInput = { name: string; dataCenterId: string | undefined; connection: CloudConnection };

export async function insertCloudAccount(input: AccountInput, userId: string): Promise<{ id: string }> {
  assertComplete(input.connection);
  const id = newId();
  const at = now();
  await getDb()
    .insert(cloudAccounts)
    .values({
      id,
      name: input.name,
      kind: input.connection.kind,
      settings: input.connection.settings,
      sealedSecrets: encryptSecret(JSON.stringify(input.connection.secrets), id),
      dataCenterId: input.dataCenterId ?? null,
      createdBy: userId,
      createdAt: at,
      updatedAt: at,
    });
  return { id };
}

/**
 * Changes an account. Secrets left blank keep the stored ones, unless the kind changed (they would
 * mean nothing to the new kind). A change of endpoint or credentials forgets the last test's outcome.
 */
export async function updateCloudAccountRow(account: CloudAccountRow, input: AccountInput): Promise<void> {
  const kept = account.kind === input.connection.kind ? loadConnection(account).secrets : {};
  const connection = { ...input.connection, secrets: { ...kept, ...input.connection.secrets } } as CloudConnection;
  assertComplete(connection);
  await getDb()
    .update(cloudAccounts)
    .set({
      name: input.name,
      kind: connection.kind,
      settings: connection.settings,
      sealedSecrets: encryptSecret(JSON.stringify(connection.secrets), account.id),
      dataCenterId: input.dataCenterId ?? null,
      lastTestedAt: null,
      lastTestError: null,
      updatedAt: now(),
    })
    .where(eq(cloudAccounts.id, account.id));
}

export async function recordConnectionTest(accountId: string, error: string | null): Promise<void> {
  const at = now();
  await getDb()
    .update(cloudAccounts)
    .set({ lastTestedAt: at, lastTestError: error, ...(error === null ? { lastSuccessAt: at } : {}) })
    .where(eq(cloudAccounts.id, accountId));
}
