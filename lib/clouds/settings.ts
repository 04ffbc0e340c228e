import { z } from 'zod';
import { optionalText as blankable, checkbox } from '@/lib/validation';

/**
 * The settings (stored in clear) and secrets (sealed at rest, never shown again) of each kind of
 * cloud account. Plain zod, safe for client components: the forms validate with the same schemas.
 */

const httpUrl = z
  .string()
  .trim()
  .url('Enter a full URL, such as https://cloud.example.com:5000/v3.')
  .refine((u) => /^https?:\/\//i.test(u), 'The URL must start with http:// or https://.');
const optionalText = blankable(z.string().max(255, 'At most 255 characters.'));
const optionalUrl = blankable(httpUrl);
/** A secret field left blank keeps the stored one (on a change) or is missing (checked per kind). */
const secret = blankable(z.string().max(8192, 'At most 8192 characters.'));

export const OPENSTACK_AUTH_METHODS = ['password', 'application-credential', 'none'] as const;
export const OPENSTACK_INTERFACES = ['public', 'internal', 'admin'] as const;

/**
 * OpenStack: Keystone v3 finds the Image service in its catalogue (by region and interface), or
 * `auth: 'none'` talks to `imageUrl` directly, for a Glance that runs without Keystone. `imageUrl`
 * with Keystone overrides the catalogue.
 */
export const openstackSettings = z.object({
  auth: z.enum(OPENSTACK_AUTH_METHODS),
  authUrl: optionalUrl,
  imageUrl: optionalUrl,
  username: optionalText,
  userDomain: optionalText,
  projectName: optionalText,
  projectDomain: optionalText,
  applicationCredentialId: optionalText,
  region: optionalText,
  interface: z.enum(OPENSTACK_INTERFACES).default('public'),
  /** Glance `visibility` of published images. */
  visibility: z.enum(['private', 'shared', 'community', 'public']).default('private'),
  /** Glance `protected`: a protected image cannot be deleted there until unprotected. */
  protected: checkbox,
});
export const openstackSecrets = z.object({
  password: secret,
  applicationCredentialSecret: secret,
});

/** S3-compatible object storage: AWS S3, Ceph RGW, MinIO. */
export const s3Settings = z.object({
  endpoint: optionalUrl,
  region: z.string().trim().min(1).max(64).default('us-east-1'),
  bucket: z
    .string()
    .trim()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'A bucket name is 3 to 63 lowercase letters, digits, dots and hyphens.',
    ),
  /** Keys are `<prefix><image name>-<version>.<format>`; empty or ending in "/". */
  prefix: z
    .string()
    .trim()
    .max(512)
    .regex(/^$|^[^/].*\/$/, 'A prefix is empty or ends with "/" (and does not start with one).')
    .default(''),
  forcePathStyle: checkbox,
  accessKeyId: z.string().trim().min(1).max(256),
});
export const s3Secrets = z.object({ secretAccessKey: secret });

/** Azure Blob storage: the page blob an Azure managed image is created from. */
export const azureBlobSettings = z.object({
  /** https://<account>.blob.core.windows.net, or Azurite's http://host:port/<account>. */
  accountUrl: httpUrl,
  container: z
    .string()
    .trim()
    .regex(
      /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
      'A container name is 3 to 63 lowercase letters, digits and single hyphens.',
    ),
  auth: z.enum(['sas', 'shared-key']),
  /** For shared-key auth. */
  accountName: optionalText,
});
export const azureBlobSecrets = z.object({
  sasToken: secret,
  accountKey: secret,
});

export type OpenstackSettings = z.infer<typeof openstackSettings>;
export type OpenstackSecrets = z.infer<typeof openstackSecrets>;
export type S3Settings = z.infer<typeof s3Settings>;
export type S3Secrets = z.infer<typeof s3Secrets>;
export type AzureBlobSettings = z.infer<typeof azureBlobSettings>;
export type AzureBlobSecrets = z.infer<typeof azureBlobSecrets>;

/** An account's connection as a target is built from it: settings and unsealed secrets together. */
export type CloudConnection =
  | { kind: 'openstack'; settings: OpenstackSettings; secrets: OpenstackSecrets }
  | { kind: 's3'; settings: S3Settings; secrets: S3Secrets }
  | { kind: 'azure-blob'; settings: AzureBlobSettings; secrets: AzureBlobSecrets };
