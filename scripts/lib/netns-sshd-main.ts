/**
 * Run inside a network namespace (`ip netns exec <ns> node --import tsx scripts/lib/netns-sshd-main.ts
 * '<json>'`) by startSshNodeInNamespace (netns-sshd.ts): starts an SshNode there, so its sshd and
 * every session it forks live in the namespace, and prints what the portal needs to register it as
 * one JSON line. It stops the node when its stdin closes (the parent stopped it, or died, even by
 * SIGKILL) or on SIGINT/SIGTERM.
 */
import { SshNode } from './sshd-node';

async function main() {
  const { host, baseDir } = JSON.parse(process.argv[2] ?? '') as { host: string; baseDir: string };
  const node = await SshNode.start({ host, baseDir });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= node.stop().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop).resume();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { port, user, imageDir, privateKey, hostKeyFingerprint } = node;
  process.stdout.write(`${JSON.stringify({ host, port, user, baseDir, imageDir, privateKey, hostKeyFingerprint })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
