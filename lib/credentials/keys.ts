import 'server-only';
import crypto from 'node:crypto';
import { utils, type ParsedKey } from 'ssh2';
import { ValidationError } from '@/lib/errors';

export type KeyPair = { privateKey: string; publicKey: string };

/**
 * A new ed25519 key pair in OpenSSH format; the public key is one authorized_keys line. Made with
 * Node's crypto, not ssh2's generateKeyPairSync: that one strips leading zero bytes off the public
 * key, so about one key in 256 it makes cannot be parsed (mscdex/ssh2#1513).
 */
export function generateEd25519(comment: string): KeyPair {
  const jwk = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const [seed, publicKey] = [Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.x!, 'base64url')];
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(publicKey)]);
  return {
    privateKey: openSshEd25519(seed, publicKey, comment),
    publicKey: `ssh-ed25519 ${publicBlob.toString('base64')} ${comment}`,
  };
}

/** Checks a pasted private key and returns its public half, or throws a field error. */
export function publicKeyOf(privateKey: string, passphrase?: string): string {
  return publicLine(parsePrivateKey(privateKey, passphrase));
}

/**
 * A pasted key, checked, as the portal stores it: without encryption of its own, so that the
 * passphrase need not be kept. (Its only protection at rest is then the portal's AES-256-GCM, the
 * same as for keys generated here.)
 */
export function decryptedKeyPair(privateKey: string, passphrase?: string): KeyPair {
  const key = parsePrivateKey(privateKey, passphrase);
  const publicKey = publicLine(key);
  if (!passphrase) return { privateKey: privateKey.trim() + '\n', publicKey };
  return { privateKey: unencryptedPrivateKey(key), publicKey };
}

function parsePrivateKey(privateKey: string, passphrase?: string): ParsedKey {
  const parsed = utils.parseKey(privateKey.trim(), passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    const reason = key instanceof Error ? key.message : 'unrecognised format';
    throw fieldError(
      keyErrorMessage(reason, Boolean(passphrase)),
      passphrase && /passphrase/i.test(reason) ? 'passphrase' : 'privateKey',
    );
  }
  if (!key.isPrivateKey())
    throw fieldError('This is a public key. Paste the private key; the portal derives the public one.', 'privateKey');
  return key;
}

function keyErrorMessage(reason: string, passphraseGiven: boolean): string {
  if (/passphrase|encrypted/i.test(reason)) {
    return passphraseGiven
      ? 'That passphrase does not decrypt this key.'
      : 'This key is encrypted: enter its passphrase.';
  }
  return `This is not a private key the portal can use (${reason}). Paste an OpenSSH or PEM private key.`;
}

function fieldError(message: string, field: 'privateKey' | 'passphrase') {
  return new ValidationError(message, { [field]: [message] });
}

function publicLine(key: ParsedKey): string {
  return `${key.type} ${key.getPublicSSH().toString('base64')}${key.comment ? ` ${key.comment}` : ''}`;
}

/**
 * ssh2 decrypts a key into a PEM: PKCS#1 or SEC1 for RSA, DSA and ECDSA, which it reads back as
 * they are, but PKCS#8 for ed25519, which it does not; that one is rewritten in OpenSSH's format.
 */
function unencryptedPrivateKey(key: ParsedKey): string {
  const pem = key.getPrivatePEM();
  if (key.type !== 'ssh-ed25519') return pem.trim() + '\n';
  const jwk = crypto.createPrivateKey(pem).export({ format: 'jwk' });
  return openSshEd25519(Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.x!, 'base64url'), key.comment);
}

/** OpenSSH's `openssh-key-v1` container, unencrypted (cipher and KDF "none"), for one ed25519 key. */
function openSshEd25519(seed: Buffer, publicKey: Buffer, comment: string): string {
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(publicKey)]);
  const check = crypto.randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1));
  secret = Buffer.concat([secret, padding]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g)!;
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function sshString(value: string | Buffer): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([uint32(data.length), data]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
