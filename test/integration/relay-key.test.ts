import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayAuthorizedKeyLine } from '@/lib/install/relay/authorized-key';
import { addRelayKey, removeRelayKey } from '@/lib/install/relay/seed-keys';
import { SshSession } from '@/lib/ssh/session';
import { nodeUserHome, SshNode } from '@/scripts/lib/sshd-node';
import { generateEd25519 } from '@/lib/credentials/keys';

const RECEIVER = '127.0.0.209';
const OTHER_SOURCE = '127.0.0.210';

/**
 * The relay's one-time key on a real OpenSSH sshd (lib/install/relay/authorized-key.ts): whoever
 * holds it reads the one file it names from an offset, from the one source address, and nothing else.
 */
describe('the one-time relay key on a real sshd', () => {
  let seed: SshNode;
  let session: SshSession;
  let scratch: string;
  let file: string;
  let bytes: Buffer;
  const key = generateEd25519('cloud-broker-portal:relay');
  const jobId = crypto.randomUUID();
  const sentinel = `# cbp-relay test keeps this line ${jobId}`;

  beforeAll(async () => {
    seed = await SshNode.start({ host: '127.0.0.208' });
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-relay-key-'));
    fs.chmodSync(scratch, 0o755);
    // A name that quoting must survive; its bytes are what the key may read.
    file = path.join(seed.imageDir, `it's "quoted" $(touch canary) \\ .raw`);
    bytes = crypto.randomBytes(300_000);
    fs.writeFileSync(file, bytes);
    fs.writeFileSync(path.join(seed.imageDir, 'other.raw'), 'another image');
    fs.writeFileSync(path.join(scratch, 'key'), key.privateKey, { mode: 0o600 });
    const hostKey = fs.readFileSync(path.join(seed.baseDir, 'host_ed25519.pub'), 'utf8').split(' ');
    fs.writeFileSync(path.join(scratch, 'known_hosts'), `[${seed.host}]:${seed.port} ${hostKey[0]} ${hostKey[1]}\n`);
    session = await SshSession.connect(
      { host: seed.host, port: seed.port, username: seed.user, privateKey: seed.privateKey },
      { pinned: seed.hostKeyFingerprint },
      10_000,
    );
    const keys = path.join(nodeUserHome(), '.ssh', 'authorized_keys');
    if (fs.existsSync(keys)) fs.appendFileSync(keys, `${sentinel}\n`);
    const line = relayAuthorizedKeyLine({ publicKey: key.publicKey, from: [RECEIVER], file, jobId });
    await addRelayKey(session, key.publicKey, line);
    if (!fs.readFileSync(keys, 'utf8').includes(sentinel)) {
      await removeRelayKey(session, key.publicKey);
      fs.appendFileSync(keys, `${sentinel}\n`);
      await addRelayKey(session, key.publicKey, line);
    }
  });
  afterAll(async () => {
    await removeRelayKey(session, key.publicKey).catch(() => undefined);
    const keys = path.join(nodeUserHome(), '.ssh', 'authorized_keys');
    fs.writeFileSync(keys, fs.readFileSync(keys, 'utf8').replace(`${sentinel}\n`, ''));
    session.close();
    await seed.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** Real OpenSSH ssh with the one-time key, as the receiver runs it; `command` null asks for a shell. */
  const ssh = (command: string | null, { options = [] as string[], source = RECEIVER, input = '' } = {}) =>
    spawnSync(
      'ssh',
      [
        ...['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none'],
        ...['-i', path.join(scratch, 'key'), '-o', `UserKnownHostsFile=${path.join(scratch, 'known_hosts')}`],
        ...['-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=10', '-b', source, '-p', String(seed.port)],
        ...['-l', seed.user, ...options],
        // Options end here, so a "command" such as -1 reaches the node as one.
        '--',
        seed.host,
        ...(command === null ? [] : [command]),
      ],
      { timeout: 20_000, input },
    );

  it('reads the file from the offset it is given', () => {
    const all = ssh('0');
    expect(all.status).toBe(0);
    expect(Buffer.compare(all.stdout, bytes)).toBe(0);
    const rest = ssh('123456');
    expect(rest.status).toBe(0);
    expect(Buffer.compare(rest.stdout, bytes.subarray(123456))).toBe(0);
    expect(fs.existsSync(path.join(seed.imageDir, 'canary'))).toBe(false);
  });

  it('refuses another path, a shell command, and an offset that is not plain digits', () => {
    const home = nodeUserHome();
    for (const command of [
      path.join(seed.imageDir, 'other.raw'),
      `0 ${path.join(seed.imageDir, 'other.raw')}`,
      'cat /etc/passwd',
      'sh',
      '0; id',
      '0 && id',
      '$(id)',
      '`id`',
      'abc',
      '-1',
      '010',
      '1e3',
      ' 5',
      '99999999999999999999',
    ]) {
      const result = ssh(command);
      expect(result.status, command).toBe(2);
      expect(result.stdout.length, command).toBe(0);
    }
    // No command at all asks for a shell: the forced command runs instead and refuses.
    const shell = ssh(null, { options: ['-T'], input: 'id > /tmp/cbp-relay-shell\n' });
    expect(shell.status).toBe(2);
    expect(fs.existsSync('/tmp/cbp-relay-shell')).toBe(false);
    // The sftp subsystem is a command like any other to the forced command.
    expect(ssh('sftp', { options: ['-s'] }).status).toBe(2);
    expect(fs.existsSync(path.join(home, 'canary'))).toBe(false);
  });

  it('refuses port forwarding, -W and -L alike', async () => {
    const jump = ssh(null, { options: ['-W', `${seed.host}:${seed.port}`] });
    expect(jump.status).toBe(255);
    expect(jump.stderr.toString()).toMatch(/open failed|administratively prohibited/i);
    // What -L asks for on each connection to its local port: a direct-tcpip channel.
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.on('ready', () => resolve()).on('error', reject);
      client.connect({
        host: seed.host,
        port: seed.port,
        username: seed.user,
        privateKey: key.privateKey,
        localAddress: RECEIVER,
        hostVerifier: () => true,
      });
    });
    try {
      const refused = await new Promise<(Error & { reason?: number }) | undefined>((resolve) =>
        client.forwardOut(RECEIVER, 40000, seed.host, seed.port, (err, channel) => {
          channel?.close();
          resolve(err);
        }),
      );
      expect(refused?.message).toMatch(/open fail/i);
      expect(refused?.reason).toBe(1); // SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
    } finally {
      client.end();
    }
  });

  it('is refused from any other source address', () => {
    const result = ssh('0', { source: OTHER_SOURCE });
    expect(result.status).toBe(255);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr.toString()).toMatch(/Permission denied/);
  });

  it('is gone once removed, and every other line of authorized_keys is kept', async () => {
    await removeRelayKey(session, key.publicKey);
    const keys = fs.readFileSync(path.join(nodeUserHome(), '.ssh', 'authorized_keys'), 'utf8');
    expect(keys).toContain(sentinel);
    expect(keys).not.toContain(key.publicKey.split(' ')[1]);
    expect(ssh('0').status).toBe(255);
  });
});
