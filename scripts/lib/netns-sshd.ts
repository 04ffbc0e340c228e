/**
 * An SshNode (sshd-node.ts) whose sshd runs inside a network namespace, so it listens on that
 * namespace's address and whatever it runs (a copy to a peer node, say) leaves from there. SshNode
 * spawns /usr/sbin/sshd by its full path in the caller's namespace, so the node is started by a
 * small process of its own inside the namespace instead (netns-sshd-main.ts), which runs the same
 * SshNode.start and keeps the node up until it is stopped.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';

/** What the portal needs to register the node, as SshNode has it; `stop()` ends sshd and its sessions. */
export type NamespacedSshNode = {
  namespace: string;
  host: string;
  port: number;
  user: string;
  baseDir: string;
  imageDir: string;
  privateKey: string;
  hostKeyFingerprint: string;
  stop: () => Promise<void>;
};

const MAIN = path.join(__dirname, 'netns-sshd-main.ts');
const REPO = path.join(__dirname, '..', '..');
const START_TIMEOUT_MS = 30_000;

/** Starts sshd on `host`, an address of `namespace`, with the node's files under `baseDir`. */
export async function startSshNodeInNamespace(
  namespace: string,
  options: { host: string; baseDir: string },
): Promise<NamespacedSshNode> {
  // `ip netns exec` enters the namespace and then execs node, so the child's pid is node's.
  const child = spawn(
    'ip',
    ['netns', 'exec', namespace, process.execPath, '--import', 'tsx', MAIN, JSON.stringify(options)],
    // tsx resolves from the repository; stdin is the child's lifeline (it stops the node when it closes).
    { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const line = await firstLine(
      child,
      () => stdout,
      () => stderr,
    );
    return { namespace, ...(JSON.parse(line) as Omit<NamespacedSshNode, 'namespace' | 'stop'>), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The child's first stdout line, or an error with its stderr if it exits or stays silent. */
function firstLine(child: ReturnType<typeof spawn>, stdout: () => string, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      reject(new Error(`sshd in its namespace ${why}: ${stderr().trim()}`));
    };
    const onData = () => {
      const end = stdout().indexOf('\n');
      if (end < 0) return;
      cleanup();
      resolve(stdout().slice(0, end));
    };
    const onExit = (code: number | null) => fail(`exited (${code}) before it was up`);
    const timer = setTimeout(() => fail(`was not up within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}
