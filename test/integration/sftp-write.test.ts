import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recyclePackets } from '@/lib/install/packet-recycling';
import { pushFile } from '@/lib/install/push';
import { LocalImageStore } from '@/lib/store/local-store';
import { sftpWriter } from '@/lib/install/sftp-write';
import { SshSession } from '@/lib/ssh/session';
import { SshNode } from '@/scripts/lib/sshd-node';

const KiB = 1024;
const WRITE = 255 * KiB;

/**
 * The push's own SFTP framing and packet recycling (lib/install/sftp-write.ts,
 * packet-recycling.ts) against OpenSSH's internal-sftp: whatever path each write takes, every
 * byte lands where it belongs.
 */
describe('SFTP writes framed from the caller’s buffer, over recycled SSH packets', () => {
  let node: SshNode;
  let session: SshSession;
  // New keys every megabyte sent: the transfers below cross several rekeys, during which ssh2
  // queues packets and after which it encrypts with a new cipher, which is recycled anew.
  let rekeying: SshNode;

  const connect = (to: SshNode) =>
    SshSession.connect(
      { host: to.host, port: to.port, username: to.user, privateKey: to.privateKey },
      { pinned: to.hostKeyFingerprint },
      10_000,
    );

  beforeAll(async () => {
    node = await SshNode.start({ host: '127.0.0.203' });
    rekeying = await SshNode.start({ host: '127.0.0.204', rekeyLimit: '1M' });
    session = await connect(node);
  });
  afterAll(async () => {
    session.close();
    await Promise.all([node.stop(), rekeying.stop()]);
  });

  /** Issues every write at once, without waiting for one to be answered; resolves when all are. */
  async function writeAll(name: string, data: Buffer, over = session, to = node): Promise<{ framed: number }> {
    const sftp = await over.sftp();
    // With the ssh2 this portal pins and AES-GCM (what it negotiates with OpenSSH on a CPU with
    // AES-NI), packets are recycled: an ssh2 that changed under it would quietly cost the push
    // its speed, so it fails here instead.
    const packets = recyclePackets(sftp);
    expect(packets.active()).toBe(/^aes(128|256)-gcm@openssh\.com$/.test(over.cipher));
    const writer = sftpWriter(sftp);
    const handle = await new Promise<Buffer>((resolve, reject) =>
      sftp.open(path.join(to.imageDir, name), 'w', (err, h) => (err ? reject(err) : resolve(h))),
    );
    let framed = 0;
    const writes: Array<Promise<void>> = [];
    for (let at = 0; at < data.length; at += WRITE) {
      // As the push does before each block: a rekey's new cipher is taken over.
      packets.refresh();
      const length = Math.min(WRITE, data.length - at);
      if (writer.fits(handle, length)) framed++;
      writes.push(
        new Promise((resolve, reject) =>
          writer.write(handle, data, at, length, at, (err) => (err ? reject(err) : resolve())),
        ),
      );
    }
    await Promise.all(writes);
    await new Promise<void>((resolve, reject) => sftp.close(handle, (err) => (err ? reject(err) : resolve())));
    sftp.end();
    return { framed };
  }

  it('frames what the window takes and hands the rest to ssh2, in order, without mixing them', async () => {
    // Far more than sshd's 2 MiB window: the first writes are framed here, the rest queue in ssh2.
    const data = crypto.randomBytes(24 * WRITE + 1234);
    const { framed } = await writeAll('burst.raw', data);
    expect(framed).toBeGreaterThan(0);
    expect(framed).toBeLessThan(25);
    expect(fs.readFileSync(path.join(node.imageDir, 'burst.raw')).equals(data)).toBe(true);
  });

  it('survives rekeys in the middle of a transfer: every byte lands, and a whole push after it too', async () => {
    const over = await connect(rekeying);
    try {
      const data = crypto.randomBytes(20 * WRITE);
      await writeAll('rekeyed.raw', data, over, rekeying);
      expect(fs.readFileSync(path.join(rekeying.imageDir, 'rekeyed.raw')).equals(data)).toBe(true);

      // The push takes each new cipher over between its reads (packets.refresh()).
      const source = path.join(os.tmpdir(), `cbp-rekeyed-${process.pid}.raw`);
      fs.writeFileSync(source, crypto.randomBytes(8 * 1024 * KiB));
      try {
        const reader = (await new LocalImageStore(path.dirname(source)).open(path.basename(source)))!;
        const pushed = await pushFile(over, reader, path.join(rekeying.imageDir, 'pushed.raw'), {
          offset: 0,
          hash: true,
        });
        await reader.close();
        const expected = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex');
        expect(pushed.sha256).toBe(expected);
        expect(fs.readFileSync(path.join(rekeying.imageDir, 'pushed.raw')).equals(fs.readFileSync(source))).toBe(true);
      } finally {
        fs.rmSync(source, { force: true });
      }
    } finally {
      over.close();
    }
  });

  it('keeps the connection usable: a second transfer on it, then a command, come out right', async () => {
    const data = crypto.randomBytes(6 * WRITE);
    await writeAll('again.raw', data);
    expect(fs.readFileSync(path.join(node.imageDir, 'again.raw')).equals(data)).toBe(true);
    const { sh } = await import('@/lib/ssh/shell');
    const out = await session.run(sh`sha256sum ${path.join(node.imageDir, 'again.raw')}`, 'Hashing');
    expect(out.split(/\s+/)[0]).toBe(crypto.createHash('sha256').update(data).digest('hex'));
  });
});
