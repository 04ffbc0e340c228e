import crypto from 'node:crypto';

/** OpenSSH's SHA256 fingerprint of a host key blob: `SHA256:` and unpadded base64. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;
