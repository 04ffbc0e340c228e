/**
 * OpenSSH's scp, the baseline the push is measured against: the same file to the same node with
 * the same cipher, timed by bash around scp alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SshNode } from '../../scripts/lib/sshd-node';
import { median } from './figures';
import { runCommand } from './processes';

export type ScpTarget = {
  node: SshNode;
  dir: string;
  keyFile: string;
  knownHosts: string;
  cipher: string;
  /** Runs ssh for scp (`scp -S`) and leaves ssh's own CPU time beside itself (`<ssh>.times`). */
  ssh: string;
};
/**
 * cpuSeconds: user plus system time of scp and the ssh it runs, from their rusage (bash's `times`);
 * sshCpuSeconds: ssh's alone. ssh encrypts and writes the socket, so it is scp's busiest process.
 */
export type ScpRun = { wallSeconds: number; cpuSeconds: number; sshCpuSeconds: number };

/** The node's login key and pinned host key, in files of scp's own under `dir`. */
export async function scpAccess(node: SshNode, dir: string, cipher: string): Promise<ScpTarget> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, 'id_ed25519');
  fs.writeFileSync(keyFile, node.privateKey, { mode: 0o600 });
  // The node's host key, pinned the way the portal pins it: scp refuses any other.
  const hostKey = fs
    .readFileSync(path.join(node.baseDir, 'host_ed25519.pub'), 'utf8')
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .join(' ');
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHosts, `[${node.host}]:${node.port} ${hostKey}\n`);
  const ssh = path.join(dir, 'ssh-timed');
  fs.writeFileSync(ssh, '#!/bin/bash\nssh "$@"; rc=$?; times > "$0.times"; exit $rc\n', { mode: 0o700 });
  return { node, dir, keyFile, knownHosts, cipher, ssh };
}

/**
 * scp's fixed cost, median of 3 scp's of a 1-byte file: process start, handshake, authentication,
 * SFTP start, in wall time and in CPU time. Both are subtracted from each full scp so that it
 * counts the data transfer alone, as the push's figures do.
 */
export async function scpSetup(target: ScpTarget): Promise<ScpRun> {
  const tiny = path.join(target.dir, 'tiny');
  const onNode = path.join(target.node.imageDir, 'tiny');
  fs.writeFileSync(tiny, 'x');
  const setupRuns: ScpRun[] = [];
  for (let i = 0; i < 3; i++) {
    setupRuns.push(await scp(target, tiny, onNode));
    fs.rmSync(onNode, { force: true });
  }
  return {
    wallSeconds: median(setupRuns.map((r) => r.wallSeconds)),
    cpuSeconds: median(setupRuns.map((r) => r.cpuSeconds)),
    sshCpuSeconds: median(setupRuns.map((r) => r.sshCpuSeconds)),
  };
}

/**
 * One scp in its default (SFTP) protocol, as OpenSSH 9.2 does it, with the portal's cipher and no
 * compression. bash times it ($EPOCHREALTIME, around scp alone) and reports scp's CPU (`times`).
 */
export async function scp(target: ScpTarget, source: string, dest: string): Promise<ScpRun> {
  const { node } = target;
  const script = 's=$EPOCHREALTIME; scp "$@"; rc=$?; e=$EPOCHREALTIME; echo "wall $s $e"; times; exit $rc';
  const args = [
    '-q',
    '-S',
    target.ssh,
    '-F',
    '/dev/null',
    '-c',
    target.cipher,
    '-o',
    'Compression=no',
    '-o',
    `IdentityFile=${target.keyFile}`,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${target.knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-P',
    String(node.port),
    source,
    `${node.user}@${node.host}:${dest}`,
  ];
  fs.rmSync(`${target.ssh}.times`, { force: true });
  const result = await runCommand('bash', ['-c', script, 'bash', ...args]);
  if (result.code !== 0) throw new Error(`scp failed (exit ${result.code}): ${result.stderr.trim()}`);
  const wall = /^wall (\S+) (\S+)$/m.exec(result.stdout);
  if (!wall) throw new Error(`Could not read scp's timing from: ${result.stdout}`);
  return {
    wallSeconds: Number(wall[2]) - Number(wall[1]),
    cpuSeconds: childrenCpuSeconds(result.stdout),
    sshCpuSeconds: childrenCpuSeconds(fs.readFileSync(`${target.ssh}.times`, 'utf8')),
  };
}

/** bash's `times` prints the shell's own user and system time, then its children's: those, summed. */
function childrenCpuSeconds(times: string): number {
  const lines = times.trim().split('\n');
  return lines
    .at(-1)!
    .trim()
    .split(/\s+/)
    .map(parseBashTime)
    .reduce((a, b) => a + b, 0);
}

/** bash's `times` format, e.g. 0m1.234s, in seconds. */
function parseBashTime(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}
