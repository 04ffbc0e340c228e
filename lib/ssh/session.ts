import 'server-only';
import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { TransientError, UnavailableError } from '@/lib/errors';
import { sha256Fingerprint } from './fingerprint';
import type { ShellCommand } from './shell';

export type SshTarget = {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  passphrase?: string;
};

/**
 * How the node's host key is checked: `pinned` refuses any other key (every normal connection);
 * `trustOnFirstUse` accepts any key and reports it, for the one probe before the admin confirms it.
 */
export type HostKeyPolicy = { pinned: string } | { trustOnFirstUse: true };

export class HostKeyMismatchError extends UnavailableError {
  constructor(
    readonly address: string,
    readonly expected: string,
    readonly presented: string,
  ) {
    super(
      `Host key mismatch for ${address}: the node presented ${presented} but ${expected} is pinned. ` +
        'The connection was refused. If the node was reinstalled, an admin must re-pin its host key.',
    );
  }
}

export type ExecResult = { code: number | null; signal?: string; stdout: string; stderr: string; timedOut: boolean };

export type ExecOptions = {
  /** Bytes written to the command's stdin, then EOF. */
  stdin?: string | Buffer;
  /**
   * Stops waiting: the channel is closed. A remote process that ignores its closed pipes keeps
   * running; stopping that is the caller's job.
   */
  signal?: AbortSignal;
  /** Gives up on the command after this long; null for work that legitimately takes long (transfers, hashing). */
  timeoutMs?: number | null;
  /** Sees stderr as it arrives, e.g. to follow a downloader's progress meter. */
  onStderr?: (chunk: string) => void;
};

/** Short commands (tool checks, df, stat, mv) that take longer than this are stuck, e.g. on a hung mount. */
export const SHORT_COMMAND_TIMEOUT_MS = 60_000;

// Output beyond this is dropped: commands here print short reports, and a runaway one must not
// exhaust the portal's memory.
const MAX_CAPTURE = 1024 * 1024;

/** One authenticated SSH connection to a node. */
export class SshSession {
  private readonly closedPromise: Promise<void>;

  private constructor(
    private readonly client: Client,
    readonly hostKeyFingerprint: string,
    /**
     * The host key the node presented (the SSH wire blob), which matched the pin: a relayed install
     * hands it to another node as a known_hosts line, so that node checks the same key.
     */
    readonly hostKey: Buffer,
    /** The cipher the handshake agreed on (client to server), e.g. for a like-for-like benchmark. */
    readonly cipher: string,
  ) {
    this.closedPromise = new Promise((resolve) => client.once('close', () => resolve()));
  }

  static connect(target: SshTarget, hostKey: HostKeyPolicy, timeoutMs: number): Promise<SshSession> {
    const address = `${target.host}:${target.port}`;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let presented = '';
      let presentedKey: Buffer = Buffer.alloc(0);
      let cipher = '';
      let mismatch: HostKeyMismatchError | undefined;
      client.on('handshake', (negotiated: { cs: { cipher: string } }) => (cipher = negotiated.cs.cipher));
      client.on('ready', () => resolve(new SshSession(client, presented, presentedKey, cipher)));
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        client.end();
        reject(mismatch ?? describeConnectError(err, address, target.username));
      });
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        passphrase: target.passphrase,
        readyTimeout: timeoutMs,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        hostVerifier: (key: Buffer) => {
          presented = sha256Fingerprint(key);
          presentedKey = key;
          if ('pinned' in hostKey && hostKey.pinned !== presented) {
            mismatch = new HostKeyMismatchError(address, hostKey.pinned, presented);
            return false;
          }
          return true;
        },
      });
    });
  }

  /** Runs a command built with `sh` and collects its output. Never rejects on a non-zero exit. */
  exec(command: ShellCommand, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command.text, (err, channel) => {
        if (err) return reject(new TransientError(`Could not start a command on the node: ${err.message}`));
        const stdout = capture(channel);
        const stderr = capture(channel.stderr);
        if (options.onStderr) channel.stderr.on('data', (chunk: Buffer) => options.onStderr?.(chunk.toString('utf8')));
        let code: number | null = null;
        let signal: string | undefined;
        let timer: NodeJS.Timeout | undefined;
        let settled = false;
        const settle = (timedOut: boolean) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          resolve({ code, signal, stdout: stdout(), stderr: stderr(), timedOut });
        };
        // sshd keeps a channel open until its process exits, so stopping signals the process (the
        // command itself where it `exec`s) and stops waiting for it.
        const stop = (timedOut: boolean) => {
          try {
            channel.signal('TERM');
          } catch {
            // the channel is already closing
          }
          channel.close();
          settle(timedOut);
        };
        const onAbort = () => stop(false);
        channel.on('exit', (c: number | null, s?: string) => {
          code = c;
          signal = s;
        });
        channel.on('close', () => settle(false));
        const timeoutMs = options.timeoutMs === undefined ? SHORT_COMMAND_TIMEOUT_MS : options.timeoutMs;
        if (timeoutMs !== null) timer = setTimeout(() => stop(true), timeoutMs);
        if (options.signal?.aborted) return onAbort();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        channel.end(options.stdin);
      });
    });
  }

  /** Runs a command and returns its stdout; a non-zero exit throws with the command's own stderr. */
  async run(command: ShellCommand, what: string, options: ExecOptions = {}): Promise<string> {
    const result = await this.exec(command, options);
    if (result.code === 0) return result.stdout;
    if (options.signal?.aborted) throw new UnavailableError(`${what} was stopped.`);
    if (result.timedOut) {
      throw new TransientError(
        `${what} failed on the node: no answer within ${(options.timeoutMs ?? SHORT_COMMAND_TIMEOUT_MS) / 1000} s`,
      );
    }
    // No exit status at all means the connection or sshd went away under the command.
    if (result.code === null && !result.signal) {
      throw new TransientError(`${what} failed on the node: the SSH connection closed before the command finished`);
    }
    const reason =
      result.stderr.trim() || result.stdout.trim() || `exit status ${result.code ?? `signal ${result.signal}`}`;
    throw new UnavailableError(`${what} failed on the node: ${lastLines(reason)}`);
  }

  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) =>
      this.client.sftp((err, sftp) =>
        err ? reject(new TransientError(`Could not open SFTP on the node: ${err.message}`)) : resolve(sftp),
      ),
    );
  }

  /** Resolves when the connection ends, for whatever reason; transfers race it to notice a drop. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  close(): void {
    this.client.end();
  }
}

function capture(stream: ClientChannel | ClientChannel['stderr']): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= MAX_CAPTURE) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).toString('utf8');
}

function lastLines(text: string, n = 5): string {
  return text.split('\n').slice(-n).join('\n');
}

function describeConnectError(err: Error & { level?: string; code?: string }, address: string, user: string): Error {
  if (err.level === 'client-authentication') {
    return new UnavailableError(
      `The node at ${address} refused the SSH key for user "${user}". Add the public key to that user's ~/.ssh/authorized_keys.`,
    );
  }
  if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
    return new TransientError(`Timed out connecting to ${address}.`);
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused (is sshd running on that port?)',
    EHOSTUNREACH: 'the host is unreachable',
    ENOTFOUND: 'the host name does not resolve',
    ECONNRESET: 'the connection was reset',
  };
  const reason = (err.code && reasons[err.code]) ?? err.message;
  // A name that does not resolve is a configuration mistake; the rest may pass by itself.
  const ErrorType = err.code === 'ENOTFOUND' ? UnavailableError : TransientError;
  return new ErrorType(`Could not connect to ${address}: ${reason}.`);
}
