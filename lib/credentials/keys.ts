import 'server-only';
import { utils } from 'ssh2';
import { ValidationError } from '@/lib/errors';

export type KeyPair = { privateKey: string; publicKey: string };

/** A new ed25519 key pair in OpenSSH format; the public key is one authorized_keys line. */
export function generateEd25519(comment: string): KeyPair {
  const pair = utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}

/** Checks a pasted private key and returns its public half, or throws a field error. */
export function publicKeyOf(privateKey: string, passphrase?: string): string {
  const parsed = utils.parseKey(privateKey.trim(), passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    const reason = key instanceof Error ? key.message : 'unrecognised format';
    const message = /passphrase|encrypted/i.test(reason)
      ? 'This key is encrypted: enter its passphrase.'
      : `This is not a private key the portal can use (${reason}). Paste an OpenSSH or PEM private key.`;
    throw new ValidationError(message, { privateKey: [message] });
  }
  if (!key.isPrivateKey()) {
    const message = 'This is a public key. Paste the private key; the portal derives the public one.';
    throw new ValidationError(message, { privateKey: [message] });
  }
  return `${key.type} ${key.getPublicSSH().toString('base64')}${key.comment ? ` ${key.comment}` : ''}`;
}
