/** Loopback ports for the test daemons: a free one to listen on, and waiting until one listens. */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something listens on host:port; fails early if `child` (the daemon) exits. */
export async function waitForPort(
  host: string,
  port: number,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd on ${host}:${port} exited: ${stderr().trim()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on ${host}:${port} did not start listening: ${stderr().trim()}`);
}

/**
 * Waits until a service the tests started as a child process listens on `host:port`; the child is
 * killed if this process exits first, or if it never listens (then the error carries its output).
 */
export async function listeningChild(
  child: ChildProcess,
  what: string,
  host: string,
  port: number,
  output: () => string,
): Promise<void> {
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  try {
    await waitForPort(host, port, child, output);
  } catch {
    child.kill('SIGKILL');
    throw new Error(`${what} on ${host}:${port} did not start: ${output().trim()}`);
  }
}
