import { z } from 'zod';
import { id, optionalText } from '@/lib/validation';
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
 * The input of adding or changing a cloud account: one flat object (a form's fields, or the API's
 * JSON body) per kind. Secret fields left blank keep what is stored; `missingSecrets` says which a
 * new account, or a changed auth method, still needs.
 */
const common = {
  name: z.string().trim().min(1, 'Name is required.').max(64, 'Name is at most 64 characters.'),
  /** Empty: usable for global images and every data center's; set: only for that data center's images. */
  dataCenterId: optionalText(z.uuid('Choose a data center.')),
};

const openstackFields = openstackSettings.extend({
  kind: z.literal('openstack'),
  ...common,
  ...openstackSecrets.shape,
});
const s3Fields = s3Settings.extend({ kind: z.literal('s3'), ...common, ...s3Secrets.shape });
const azureBlobFields = azureBlobSettings.extend({
  kind: z.literal('azure-blob'),
  ...common,
  ...azureBlobSecrets.shape,
});

export const cloudAccountFields = z.discriminatedUnion('kind', [openstackFields, s3Fields, azureBlobFields]);
export type CloudAccountFields = z.output<typeof cloudAccountFields>;

export const createCloudAccountSchema = cloudAccountFields;
const withAccountId = { accountId: id };
export const updateCloudAccountSchema = z.discriminatedUnion('kind', [
  openstackFields.extend(withAccountId),
  s3Fields.extend(withAccountId),
  azureBlobFields.extend(withAccountId),
]);
export const cloudAccountIdSchema = z.object({ accountId: id });

const SECRET_KEYS = {
  openstack: Object.keys(openstackSecrets.shape),
  s3: Object.keys(s3Secrets.shape),
  'azure-blob': Object.keys(azureBlobSecrets.shape),
} as const;

/** Every field name that holds a secret: never echoed to a form, never audited, never logged. */
export const CLOUD_SECRET_FIELDS: readonly string[] = Object.values(SECRET_KEYS).flat();

/** Splits the flat input into what is stored in clear and what is sealed. */
export function splitCloudAccountFields(fields: CloudAccountFields): {
  connection: CloudConnection;
  name: string;
  dataCenterId: string | undefined;
} {
  const { name, dataCenterId, ...rest } = fields;
  const secretKeys: readonly string[] = SECRET_KEYS[rest.kind];
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'kind') continue;
    if (secretKeys.includes(key)) {
      if (value !== undefined) secrets[key] = value;
    } else settings[key] = value;
  }
  return { name, dataCenterId, connection: { kind: rest.kind, settings, secrets } as CloudConnection };
}

/**
 * The fields a connection still lacks to be usable, with the message for each: the settings its
 * auth method needs, and its secrets (after a change kept the stored ones).
 */
export function missingConnectionFields(connection: CloudConnection): Record<string, string[]> {
  const missing: Record<string, string[]> = {};
  const need = (ok: unknown, field: string, message: string) => {
    if (!ok) missing[field] = [message];
  };
  if (connection.kind === 'openstack') {
    const { settings: s, secrets } = connection;
    if (s.auth === 'none') need(s.imageUrl, 'imageUrl', 'Without Keystone, enter the Image service URL.');
    else need(s.authUrl, 'authUrl', 'Enter the Keystone URL, such as https://keystone.example.com:5000/v3.');
    if (s.auth === 'password') {
      need(s.username, 'username', 'Enter the user name.');
      need(s.projectName, 'projectName', 'Enter the project.');
      need(secrets.password, 'password', 'Enter the password.');
    }
    if (s.auth === 'application-credential') {
      need(s.applicationCredentialId, 'applicationCredentialId', 'Enter the application credential id.');
      need(
        secrets.applicationCredentialSecret,
        'applicationCredentialSecret',
        'Enter the application credential secret.',
      );
    }
  } else if (connection.kind === 's3') {
    need(connection.secrets.secretAccessKey, 'secretAccessKey', 'Enter the secret access key.');
  } else {
    const { settings: s, secrets } = connection;
    if (s.auth === 'sas') need(secrets.sasToken, 'sasToken', 'Enter a SAS token for the container.');
    else {
      need(s.accountName, 'accountName', 'Enter the storage account name.');
      need(secrets.accountKey, 'accountKey', 'Enter the storage account key.');
    }
  }
  return missing;
}

export const publishImageSchema = z.object({ imageId: id, accountId: id });
/** `imageId`, from the API's path, must be the publication's image. */
export const publicationIdSchema = z.object({ publicationId: id, imageId: id.optional() });
export const publishImagesSchema = z.object({
  accountId: id,
  imageIds: z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z.array(id).min(1, 'Choose at least one image.').max(100, 'At most 100 images at once.'),
  ),
});
