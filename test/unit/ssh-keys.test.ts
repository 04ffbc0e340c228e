import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateEd25519, publicKeyOf } from '@/lib/credentials/keys';

describe('the ed25519 key pairs the portal generates', () => {
  // One in 256 of ssh2's own would fail here (a public key starting with a zero byte): 3,000 tries
  // meet about a dozen of those.
  it('parse, every one, and the public key is the private key’s', () => {
    for (let i = 0; i < 3000; i++) {
      const pair = generateEd25519(`test-${i}`);
      const parsed = utils.parseKey(pair.privateKey);
      expect(parsed).not.toBeInstanceOf(Error);
      expect(utils.parseKey(pair.publicKey)).not.toBeInstanceOf(Error);
      expect(publicKeyOf(pair.privateKey)).toBe(pair.publicKey);
    }
  });

  it('write the comment into both halves', () => {
    const pair = generateEd25519('cloud-broker-portal:web-01');
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/=]+ cloud-broker-portal:web-01$/);
    expect((utils.parseKey(pair.privateKey) as { comment: string }).comment).toBe('cloud-broker-portal:web-01');
  });
});
