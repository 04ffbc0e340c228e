import path from 'node:path';
import { z } from 'zod';
import { FINGERPRINT_PATTERN } from '@/lib/ssh/fingerprint';
import { isAddress } from './address';
import { checkbox, id, optionalText, requiredInt, singleLine } from '@/lib/validation';

export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** An absolute, normalised directory; `/` itself is refused so a node's images never mix with the system. */
export const imageDirSchema = z
  .string()
  .trim()
  .min(2, 'Enter an absolute directory such as /var/lib/images.')
  .max(1024, 'The directory path is too long.')
  .refine((p) => p.startsWith('/'), 'The image directory must be an absolute path (starting with /).')
  .refine(singleLine, 'The image directory cannot contain control characters or line breaks.')
  .refine(
    (p) => path.posix.normalize(p).replace(/\/$/, '') === p,
    'Write the directory without "..", "." or repeated or trailing slashes.',
  );

/** Where the node's peers reach it (./address.ts); blank: its host. */
export const dcAddressField = optionalText(
  z
    .string()
    .max(253, 'The data-center address is at most 253 characters.')
    .refine(singleLine, 'The data-center address cannot contain control characters or line breaks.')
    .refine(isAddress, 'Enter an IP address or a host name, such as 10.0.0.12 or node1.dc.internal.'),
);

const connectionFields = {
  dataCenterId: id,
  name: z.string().trim().regex(NODE_NAME, 'Use up to 63 letters, digits, dots, dashes and underscores.'),
  host: z
    .string()
    .trim()
    .min(1, 'Host is required.')
    .max(253, 'Host is at most 253 characters.')
    .regex(/^[A-Za-z0-9.:_-]+$/, 'Enter a host name or an IP address.'),
  port: requiredInt(1, 65535, 'Port'),
  sshUser: z
    .string()
    .trim()
    .regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'Enter a valid Unix user name, such as root or portal.'),
  imageDir: imageDirSchema,
  dcAddress: dcAddressField,
};

/** First step of registration: connect once and report the host key, with a stored or pasted key. */
export const probeNodeSchema = z
  .object({
    ...connectionFields,
    credentialId: optionalText(z.uuid('Not a valid credential.')),
    privateKey: optionalText(z.string().max(16_384, 'That key is too long.')),
    passphrase: optionalText(z.string().max(1024)),
  })
  .refine((v) => Boolean(v.credentialId) !== Boolean(v.privateKey), {
    path: ['privateKey'],
    message: 'Paste a private key, or generate one with the portal.',
  });

/** Second step: the admin confirmed the fingerprint, which is pinned from now on. */
export const registerNodeSchema = z.object({
  ...connectionFields,
  credentialId: z.uuid('Not a valid credential.'),
  hostKeyFingerprint: z.string().regex(FINGERPRINT_PATTERN, 'Not a SHA256 host key fingerprint.'),
});

export const nodeIdSchema = z.object({ nodeId: id });

/** Node Details: the address its peers reach it on for relayed installs; blank clears it. */
export const nodeDcAddressSchema = z.object({ nodeId: id, dcAddress: dcAddressField });

/** Maintenance needs a reason: it is what colleagues see on the node and on every refused install. */
export const maintenanceSchema = z.object({
  nodeId: id,
  reason: z
    .string()
    .trim()
    .min(1, 'Say why the node goes into maintenance.')
    .max(500, 'Keep the reason under 500 characters.'),
});

/** `confirmed`: the admin saw how many installed images go out of service with the node. */
export const decommissionSchema = z.object({ nodeId: id, confirmed: checkbox });

/** The fingerprint the admin saw and confirms; the server re-reads the node's key and refuses any other. */
export const repinHostKeySchema = z.object({
  nodeId: id,
  fingerprint: z.string().trim().regex(FINGERPRINT_PATTERN, 'Not a SHA256 host key fingerprint.'),
});
