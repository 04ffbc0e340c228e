/**
 * A real compute node for tests, benchmarks and the demo: OpenSSH's sshd on a loopback address and
 * a high port, with its own host key, its own client key pair and its own image directory.
 * Nothing is mocked; the portal reaches it exactly as it would a remote node.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeBin, throttledSftpServer, toolCallLog, type ToolOptions } from './node-impairments';
import { freePort, waitForPort } from './ports';

const SSHD = '/usr/sbin/sshd';

export type SshNodeOptions = {
  /** A 127.0.0.0/8 address; each node gets its own. */
  host: string;
  /** 0 picks a free port. */
  port?: number;
  /** Root of the node's files; a temporary directory by default. */
  baseDir?: string;
  /** The node's image directory; `<baseDir>/images` by default. */
  imageDir?: string;
  /**
   * Limits what SFTP uploads may send, in bytes a second, as a slow link would: tests use it to
   * catch a push in the middle. Unlimited by default.
   */
  sftpRate?: number;
  /**
   * Programs this node lacks, as a minimal node would (say curl or qemu-img): its sessions get a
   * PATH of links to everything else in the system's bin directories.
   */
  hideTools?: string[];
  /** Programs whose every call this node logs (see `toolCalls`), to count what the portal ran. */
  countTools?: string[];
  /** Limits what `tail` sends, in bytes a second: a relayed copy from this node is slow enough to cut. */
  tailRate?: number;
  /** sshd's RekeyLimit, e.g. '1M': new keys every megabyte, so a test's transfer crosses rekeys. */
  rekeyLimit?: string;
};

export class SshNode {
  private process: ChildProcess | undefined;

  private constructor(
    readonly host: string,
    readonly port: number,
    readonly baseDir: string,
    readonly imageDir: string,
    private readonly sftpRate?: number,
    private readonly tools: ToolOptions = { hide: [], count: [] },
    private readonly rekeyLimit?: string,
  ) {}

  /**
   * The Unix user the portal logs in as. As root, a dedicated unprivileged user with /bin/sh as its
   * shell, as on a real node; otherwise whoever runs the tests, the only user a non-root sshd serves.
   */
  readonly user = nodeUser();

  get privateKey(): string {
    return fs.readFileSync(path.join(this.baseDir, 'client_ed25519'), 'utf8');
  }

  get publicKey(): string {
    return fs.readFileSync(path.join(this.baseDir, 'client_ed25519.pub'), 'utf8').trim();
  }

  /** The host key fingerprint as OpenSSH's own ssh-keygen prints it. */
  get hostKeyFingerprint(): string {
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(this.baseDir, 'host_ed25519.pub')], {
      encoding: 'utf8',
    });
    return out.split(/\s+/)[1]!;
  }

  static async start(options: SshNodeOptions): Promise<SshNode> {
    assertSshdInstalled();
    const baseDir = options.baseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-node-'));
    fs.mkdirSync(baseDir, { recursive: true });
    fs.chmodSync(baseDir, 0o755); // sshd reads authorized_keys as the node user
    const imageDir = options.imageDir ?? path.join(baseDir, 'images');
    fs.mkdirSync(imageDir, { recursive: true });
    const { uid, gid } = userIds(nodeUser());
    fs.chownSync(imageDir, uid, gid);
    const port = options.port || (await freePort(options.host));
    const tools = { hide: options.hideTools ?? [], count: options.countTools ?? [], tailRate: options.tailRate };
    const node = new SshNode(options.host, port, baseDir, imageDir, options.sftpRate, tools, options.rekeyLimit);
    node.writeKeys();
    await node.startDaemon();
    return node;
  }

  /** The calls of the counted tools (`countTools`) so far, one line each: the tool and its arguments. */
  toolCalls(): string[] {
    const log = toolCallLog(this.baseDir);
    return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Replaces the host key, as a reinstalled node would; takes effect on restart. */
  regenerateHostKey(): void {
    fs.rmSync(path.join(this.baseDir, 'host_ed25519'), { force: true });
    fs.rmSync(path.join(this.baseDir, 'host_ed25519.pub'), { force: true });
    keygen(path.join(this.baseDir, 'host_ed25519'), 'test-node-host');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.startDaemon();
  }

  /**
   * Stops the daemon and cuts every open connection, as a node going down would. (Stopping only
   * the listener leaves established sessions running in their own processes.)
   */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    try {
      execFileSync('pkill', ['-TERM', '-P', String(child.pid)]);
    } catch {
      // no open connections
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Cuts every open connection but keeps the daemon listening, as a network blip would. */
  dropConnections(): void {
    if (!this.process?.pid) return;
    try {
      execFileSync('pkill', ['-KILL', '-P', String(this.process.pid)]);
    } catch {
      // no open connections
    }
  }

  private writeKeys(): void {
    if (!fs.existsSync(path.join(this.baseDir, 'host_ed25519')))
      keygen(path.join(this.baseDir, 'host_ed25519'), 'test-node-host');
    if (!fs.existsSync(path.join(this.baseDir, 'client_ed25519')))
      keygen(path.join(this.baseDir, 'client_ed25519'), 'portal-client');
    fs.copyFileSync(path.join(this.baseDir, 'client_ed25519.pub'), path.join(this.baseDir, 'authorized_keys'));
  }

  private async startDaemon(): Promise<void> {
    const config = path.join(this.baseDir, 'sshd_config');
    fs.writeFileSync(
      config,
      [
        `ListenAddress ${this.host}:${this.port}`,
        `HostKey ${path.join(this.baseDir, 'host_ed25519')}`,
        `PidFile ${path.join(this.baseDir, 'sshd.pid')}`,
        // The node's own key file, and the SSH user's ~/.ssh/authorized_keys, where a relayed install
        // puts its one-time keys (lib/install/relay/seed-keys.ts). Test nodes share one user, so
        // that file is shared too: a key's from= and command= are what keep a copy to its one file.
        `AuthorizedKeysFile ${path.join(this.baseDir, 'authorized_keys')} .ssh/authorized_keys`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        // The test directories live under /tmp, which StrictModes would reject.
        'StrictModes no',
        'MaxSessions 64',
        'MaxStartups 64:30:128',
        'LogLevel ERROR',
        `Subsystem sftp ${this.sftpRate ? throttledSftpServer(this.baseDir, this.sftpRate) : 'internal-sftp'}`,
        ...(this.rekeyLimit ? [`RekeyLimit ${this.rekeyLimit}`] : []),
        ...(this.tools.hide.length + this.tools.count.length > 0 || this.tools.tailRate
          ? [`SetEnv PATH=${nodeBin(this.baseDir, this.tools)}`]
          : []),
        '',
      ].join('\n'),
    );
    if (isRoot()) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    this.process = child;
    // Never leave a daemon behind when the script that started it ends, however it ends.
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    await waitForPort(this.host, this.port, child, () => stderr);
  }
}

const NODE_USER = 'cbp-node';

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function nodeUser(): string {
  if (!isRoot()) return os.userInfo().username;
  try {
    execFileSync('id', ['-u', NODE_USER], { stdio: 'ignore' });
  } catch {
    // '*' rather than useradd's locked '!': without PAM, sshd refuses key logins to locked accounts.
    execFileSync('useradd', ['--system', '--create-home', '--shell', '/bin/sh', '--password', '*', NODE_USER]);
  }
  return NODE_USER;
}

function userIds(user: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** The node user's home directory, where a remote command's relative paths land. */
export function nodeUserHome(): string {
  const entry = execFileSync('getent', ['passwd', nodeUser()], { encoding: 'utf8' }).trim().split(':');
  return entry[5]!;
}

function keygen(file: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

export function assertSshdInstalled(): void {
  if (!fs.existsSync(SSHD)) {
    throw new Error(
      `${SSHD} is missing: install it with "apt-get install -y openssh-server" (npm test does this when run as root).`,
    );
  }
}
