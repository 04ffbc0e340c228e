/**
 * `npm run bench`: the install engine against real local sshd nodes (bench/README.md).
 *
 *   push vs scp   portal SFTP push of one image vs OpenSSH scp of the same file, same node, same cipher
 *   push memory   peak RSS of the process running the engine during that push
 *   fan-out       one image onto 4 nodes in parallel vs one after another, wall time
 *   resume        bytes sent again when a push is cut at 50% and the job retries
 *
 * Options: --json (stdout: one JSON object; everything else on stderr), --size-mb N (default 1024),
 * --runs N (scp and push runs each, default 5), --only push,fanout,resume.
 * Exits non-zero only when the benchmark itself breaks; missed targets are reported, not fatal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { SshNode as SshNodeType } from '../scripts/lib/sshd-node';

const MiB = 1024 * 1024;
const PARTS = ['push', 'fanout', 'resume'] as const;
type Part = (typeof PARTS)[number];

// Loopback addresses of this benchmark's nodes (the tests use others).
const PUSH_HOST = '127.0.0.60';
const FANOUT_HOSTS = ['127.0.0.61', '127.0.0.62', '127.0.0.63', '127.0.0.64'];
const RESUME_HOST = '127.0.0.65';

const TARGETS = {
  push_vs_scp: { text: '>= 0.9', met: (v: number) => v >= 0.9 },
  push_peak_rss_mb: { text: '< 300', met: (v: number) => v < 300 },
  resume_resent_fraction: { text: '< 0.05', met: (v: number) => v < 0.05 },
} as const;

type Options = { json: boolean; sizeMb: number; runs: number; only: Set<Part> };

function parseOptions(argv: string[]): Options {
  const options: Options = { json: false, sizeMb: 1024, runs: 5, only: new Set(PARTS) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const name = arg.split('=')[0];
    if (name === '--json') options.json = true;
    else if (name === '--size-mb') options.sizeMb = positiveInt(name, value());
    else if (name === '--runs') options.runs = positiveInt(name, value());
    else if (name === '--only') {
      const parts = value().split(',').map((p) => p.trim());
      const unknown = parts.filter((p) => !PARTS.includes(p as Part));
      if (unknown.length > 0) throw new UsageError(`--only takes ${PARTS.join(', ')}; not ${unknown.join(', ')}`);
      options.only = new Set(parts as Part[]);
    } else if (name === '--help' || name === '-h') {
      process.stderr.write('usage: npm run bench -- [--json] [--size-mb N] [--runs N] [--only push,fanout,resume]\n');
      process.exit(0);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return options;
}

class UsageError extends Error {}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a positive whole number, not "${text}"`);
  return n;
}

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));
const mbps = (bytes: number, seconds: number) => bytes / MiB / seconds;

// ── Child processes ─────────────────────────────────────────────────────────────

const children = new Set<ChildProcess>();

type CommandResult = { code: number | null; stdout: string; stderr: string };

/** Runs a command without blocking the event loop (the engine may be running in this process). */
function runCommand(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; passStderr?: boolean } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (options.passStderr) process.stderr.write(d);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function mustRun(command: string, args: string[]): Promise<string> {
  const result = await runCommand(command, args);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Flushes dirty pages, so one run's writeback never lands in the next run's timing. */
const sync = () => mustRun('sync', []);

/**
 * Bytes this process has handed to write(2) and friends so far (/proc/self/io wchar): during an
 * install almost all of it is the SSH stream, so it counts what went over the wire independently
 * of the engine's own bookkeeping. Null where /proc is unavailable.
 */
function bytesWritten(): number | null {
  try {
    return Number(/^wchar:\s*(\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

async function sha256sum(file: string): Promise<string> {
  return (await mustRun('sha256sum', ['--', file])).split(/\s+/)[0]!;
}

// ── scp, the baseline ───────────────────────────────────────────────────────────

type ScpTarget = { node: SshNodeType; keyFile: string; knownHosts: string; cipher: string };

async function scpAccess(node: SshNodeType, dir: string, cipher: string): Promise<ScpTarget> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, 'id_ed25519');
  fs.writeFileSync(keyFile, node.privateKey, { mode: 0o600 });
  // The node's host key, pinned the way the portal pins it: scp refuses any other.
  const hostKey = fs.readFileSync(path.join(node.baseDir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHosts, `[${node.host}]:${node.port} ${hostKey}\n`);
  return { node, keyFile, knownHosts, cipher };
}

type ScpRun = { wallSeconds: number; cpuSeconds: number };

/**
 * One scp in its default (SFTP) protocol, as OpenSSH 9.2 does it, with the portal's cipher and no
 * compression. bash times it ($EPOCHREALTIME, around scp alone) and reports scp's CPU (`times`).
 */
async function scp(target: ScpTarget, source: string, dest: string): Promise<ScpRun> {
  const { node } = target;
  const script = 's=$EPOCHREALTIME; scp "$@"; rc=$?; e=$EPOCHREALTIME; echo "wall $s $e"; times; exit $rc';
  const args = [
    '-q',
    '-F', '/dev/null',
    '-c', target.cipher,
    '-o', 'Compression=no',
    '-o', `IdentityFile=${target.keyFile}`,
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${target.knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-P', String(node.port),
    source,
    `${node.user}@${node.host}:${dest}`,
  ];
  const result = await runCommand('bash', ['-c', script, 'bash', ...args]);
  if (result.code !== 0) throw new Error(`scp failed (exit ${result.code}): ${result.stderr.trim()}`);
  const wall = /^wall (\S+) (\S+)$/m.exec(result.stdout);
  // `times` prints the shell's own user/system time, then its children's: scp's.
  const lines = result.stdout.trim().split('\n');
  const childTimes = lines.at(-1)!.trim().split(/\s+/).map(parseBashTime);
  if (!wall) throw new Error(`Could not read scp's timing from: ${result.stdout}`);
  return { wallSeconds: Number(wall[2]) - Number(wall[1]), cpuSeconds: childTimes.reduce((a, b) => a + b, 0) };
}

function parseBashTime(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

// ── The benchmark ───────────────────────────────────────────────────────────────

type Report = Record<string, unknown>;

async function main(options: Options, root: string, cleanups: Array<() => Promise<void> | void>): Promise<Report> {
  const size = options.sizeMb * MiB;
  const benchStarted = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  // The figures compare processes sharing the machine's cores; anything else running skews them.
  const idleAtStart = await idlePercent(1000);
  if (idleAtStart !== null && idleAtStart < 90) log(`The CPUs are only ${idleAtStart.toFixed(0)}% idle: other work is running, so the figures will be noisy.`);

  // The portal's modules read the environment on first use; it is set before they are loaded.
  process.env.PORTAL_DATA_DIR = path.join(root, 'data');
  delete process.env.DATABASE_URL;
  delete process.env.AUTH_SECRET;
  process.env.PORTAL_JOBS_MAX = '8';
  process.env.PORTAL_JOBS_MAX_PER_NODE = '2';
  process.env.PORTAL_JOBS_MAX_ATTEMPTS = '5';
  process.env.PORTAL_JOBS_RETRY_DELAY_S = '0.5';

  const { and, asc, eq } = await import('drizzle-orm');
  const { createUser, loadUserContext } = await import('../lib/auth/users');
  const { closeAllDatabases, getDb } = await import('../lib/db/client');
  const { images, jobEvents, jobs, nodeImages, nodes } = await import('../lib/db/schema');
  const { createImage } = await import('../lib/images/operations');
  const { installImage } = await import('../lib/install/operations');
  const { getJobRunner } = await import('../lib/jobs/runner');
  const { createDataCenter } = await import('../lib/locations/operations');
  const { connectWithCredential } = await import('../lib/nodes/connection');
  const { storedImagePath } = await import('../lib/store/image-store');
  const { uploadImageFile } = await import('../lib/store/upload');
  const { registerSshNode, runOk } = await import('../scripts/lib/portal-seed');
  const { SshNode } = await import('../scripts/lib/sshd-node');
  cleanups.push(() => closeAllDatabases());

  const db = getDb();
  const jobRow = (id: string) => db.select().from(jobs).where(eq(jobs.id, id)).get()!;
  const eventsOf = (id: string) => db.select().from(jobEvents).where(eq(jobEvents.jobId, id)).orderBy(asc(jobEvents.id)).all();

  // ── Setup: an admin, a data center, the nodes, one raw image of random bytes in the store ──
  const adminId = await createUser({ username: 'bench-admin', password: 'correct horse battery staple', isSuperAdmin: true });
  const admin = loadUserContext(adminId)!;
  const dataCenterId = (await runOk(createDataCenter, { code: 'bench', name: 'Benchmark' }, admin)).id;

  const hosts = [...(options.only.has('push') ? [PUSH_HOST] : []), ...(options.only.has('fanout') ? FANOUT_HOSTS : []), ...(options.only.has('resume') ? [RESUME_HOST] : [])];
  const started: Record<string, { node: SshNodeType; nodeId: string }> = {};
  for (const host of hosts) {
    const node = await SshNode.start({ host, baseDir: path.join(root, `node-${host}`) });
    cleanups.push(() => node.stop());
    const { nodeId } = await registerSshNode(admin, dataCenterId, node, `bench-${host.split('.').at(-1)}`);
    started[host] = { node, nodeId };
  }
  log(`${hosts.length} sshd node(s) up on ${hosts.join(', ')}.`);

  log(`Writing a ${options.sizeMb} MiB image of random bytes into the portal's store (upload path: hashed, fsynced)…`);
  const imageId = (
    await runOk(
      createImage,
      { name: 'bench-image', version: '1', osType: 'linux', category: 'Linux', diskFormat: 'raw', containerFormat: 'bare', source: 'upload' },
      admin,
    )
  ).id;
  const uploaded = await uploadImageFile(admin, imageId, { body: randomBytesStream(size), contentLength: size, contentType: 'application/octet-stream' });
  if (!uploaded.ok) throw new Error(`The upload into the store failed: ${uploaded.error}`);
  const image = db.select().from(images).where(eq(images.id, imageId)).get()!;
  const storePath = storedImagePath(image.storeFile!);
  const installedName = 'bench-image.raw';

  /** Removes everything an install left on a node, and the row that says it is there. */
  const clearNode = (host: string) => {
    const { node, nodeId } = started[host]!;
    for (const f of fs.readdirSync(node.imageDir)) fs.rmSync(path.join(node.imageDir, f), { force: true });
    db.delete(nodeImages).where(and(eq(nodeImages.nodeId, nodeId), eq(nodeImages.imageId, imageId))).run();
  };

  const report: Report = {
    image_size_mb: options.sizeMb,
    image_size_bytes: size,
    runs: options.runs,
  };

  // ── Push vs scp, and the push's memory ──
  if (options.only.has('push')) {
    const { node, nodeId } = started[PUSH_HOST]!;
    const nodeRow = db.select().from(nodes).where(eq(nodes.id, nodeId)).get()!;
    const session = await connectWithCredential(nodeRow, { pinned: nodeRow.hostKeyFingerprint });
    const cipher = session.cipher;
    session.close();
    log(`The portal negotiates ${cipher} with the node; scp gets the same.`);
    const target = await scpAccess(node, path.join(root, 'scp'), cipher);

    log('Warming the page cache with the image file.');
    await runCommand('sh', ['-c', 'cat "$1" > /dev/null', 'sh', storePath]);

    // scp of a 1-byte file: process start, handshake, authentication, SFTP start; subtracted from
    // each full scp so that both sides count the data transfer alone.
    const tiny = path.join(root, 'scp', 'tiny');
    fs.writeFileSync(tiny, 'x');
    const setupRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      setupRuns.push((await scp(target, tiny, path.join(node.imageDir, 'tiny'))).wallSeconds);
      fs.rmSync(path.join(node.imageDir, 'tiny'), { force: true });
    }
    const scpSetup = median(setupRuns);

    const scpRuns: ScpRun[] = [];
    const pushRuns: PushRun[] = [];
    const workerEnv = { ...process.env };
    for (let i = 1; i <= options.runs; i++) {
      // Interleaved, so a slow spell of the machine hits both sides alike.
      await sync();
      const scpDest = path.join(node.imageDir, 'scp-copy.raw');
      const s = await scp(target, storePath, scpDest);
      fs.rmSync(scpDest, { force: true });
      scpRuns.push(s);
      log(`scp run ${i}: ${s.wallSeconds.toFixed(2)} s wall, ${mbps(size, s.wallSeconds - scpSetup).toFixed(0)} MiB/s net of setup, ${((s.cpuSeconds / s.wallSeconds) * 100).toFixed(0)}% CPU (scp client).`);

      await sync();
      const p = await pushInChild(adminId, imageId, nodeId, workerEnv);
      if (p.status !== 'succeeded' || p.transferSeconds === null) {
        throw new Error(`The push install did not succeed (${p.status}): ${p.error}\n${p.events.map((e) => `  ${e.at} ${e.level} ${e.message}`).join('\n')}`);
      }
      clearNode(PUSH_HOST);
      pushRuns.push(p);
      log(
        `push run ${i}: transfer ${p.transferSeconds.toFixed(2)} s (${mbps(size, p.transferSeconds).toFixed(0)} MiB/s, ` +
          `${p.transferCpuPercent?.toFixed(0) ?? '?'}% CPU), install ${p.totalSeconds?.toFixed(2)} s, peak RSS ${p.peakRssMb.toFixed(0)} MiB.`,
      );
    }

    const scpWall = median(scpRuns.map((r) => r.wallSeconds));
    const scpNet = Math.max(scpWall - scpSetup, 1e-6);
    const pushTransfer = median(pushRuns.map((r) => r.transferSeconds!));
    const peak = Math.max(...pushRuns.map((r) => r.peakRssMb));
    const baseline = median(pushRuns.map((r) => r.baselineRssMb));
    Object.assign(report, {
      push_vs_scp: round(mbps(size, pushTransfer) / mbps(size, scpNet), 3),
      push_peak_rss_mb: round(peak, 1),
      cipher,
      push_mb_s: round(mbps(size, pushTransfer), 1),
      scp_mb_s: round(mbps(size, scpNet), 1),
      push_transfer_seconds: round(pushTransfer),
      scp_seconds: round(scpNet),
      scp_wall_seconds: round(scpWall),
      scp_setup_seconds: round(scpSetup),
      push_vs_scp_wall: round(scpWall / pushTransfer, 3),
      push_install_seconds: round(median(pushRuns.map((r) => r.totalSeconds ?? NaN))),
      push_cpu_percent: round(median(pushRuns.map((r) => r.transferCpuPercent ?? NaN)), 0),
      scp_cpu_percent: round(median(scpRuns.map((r) => (r.cpuSeconds / r.wallSeconds) * 100)), 0),
      push_wire_overhead_fraction: pushRuns.every((r) => r.wireBytes !== null) ? round(median(pushRuns.map((r) => r.wireBytes! / size - 1)), 4) : null,
      push_rss_baseline_mb: round(baseline, 1),
      push_rss_growth_mb: round(peak - baseline, 1),
      push_runs: pushRuns.map((r) => ({
        transfer_seconds: round(r.transferSeconds),
        install_seconds: round(r.totalSeconds),
        mb_s: round(mbps(size, r.transferSeconds!), 1),
        cpu_percent: round(r.transferCpuPercent, 0),
        peak_rss_mb: round(r.peakRssMb, 1),
        sampled_peak_rss_mb: round(r.sampledPeakRssMb, 1),
        max_rss_mb: round(r.maxRssMb, 1),
        bytes_transferred: r.bytes,
        wire_bytes: r.wireBytes,
      })),
      scp_runs: scpRuns.map((r) => ({ wall_seconds: round(r.wallSeconds), cpu_percent: round((r.cpuSeconds / r.wallSeconds) * 100, 0) })),
    });
  }

  // ── Fan-out: 4 nodes one after another, then all 4 at once ──
  if (options.only.has('fanout')) {
    /** Seconds from one phase's event to the next one's, e.g. the transfer alone. */
    const phaseSeconds = (jobId: string, from: string, to: string) => {
      const events = eventsOf(jobId);
      const at = (prefix: string) => events.find((e) => e.message.startsWith(prefix))?.at.getTime();
      const [a, b] = [at(`Phase ${from}`), at(`Phase ${to}`)];
      return a === undefined || b === undefined ? null : round((b - a) / 1000);
    };
    const installOn = async (host: string) => {
      const { jobId } = await runOk(installImage, { imageId, nodeId: started[host]!.nodeId }, admin);
      await getJobRunner().waitFor(jobId);
      const job = jobRow(jobId);
      if (job.status !== 'succeeded') throw new Error(`The install on ${host} ${job.status}: ${job.error}`);
      return { transfer: phaseSeconds(jobId, 'transfer', 'verify'), verify: phaseSeconds(jobId, 'verify', 'commit') };
    };
    await sync();
    log(`Fan-out: installing on ${FANOUT_HOSTS.length} nodes one after another…`);
    let t0 = performance.now();
    const sequentialEach: number[] = [];
    const sequentialPhases: Array<{ transfer: number | null; verify: number | null }> = [];
    for (const host of FANOUT_HOSTS) {
      const t = performance.now();
      sequentialPhases.push(await installOn(host));
      sequentialEach.push((performance.now() - t) / 1000);
    }
    const sequential = (performance.now() - t0) / 1000;
    FANOUT_HOSTS.forEach(clearNode);
    await sync();
    log(`Fan-out: sequential ${sequential.toFixed(2)} s; now all ${FANOUT_HOSTS.length} in parallel…`);
    t0 = performance.now();
    const parallelPhases = await Promise.all(FANOUT_HOSTS.map(installOn));
    const parallel = (performance.now() - t0) / 1000;
    FANOUT_HOSTS.forEach(clearNode);
    log(`Fan-out: parallel ${parallel.toFixed(2)} s.`);
    Object.assign(report, {
      fanout_parallel_vs_sequential: round(parallel / sequential, 3),
      fanout_nodes: FANOUT_HOSTS.length,
      fanout_sequential_seconds: round(sequential),
      fanout_parallel_seconds: round(parallel),
      fanout_sequential_install_seconds: sequentialEach.map((s) => round(s)),
      fanout_sequential_transfer_seconds: sequentialPhases.map((p) => p.transfer),
      fanout_sequential_verify_seconds: sequentialPhases.map((p) => p.verify),
      fanout_parallel_transfer_seconds: parallelPhases.map((p) => p.transfer),
      fanout_parallel_verify_seconds: parallelPhases.map((p) => p.verify),
      fanout_parallel_mb_s: round(mbps(size * FANOUT_HOSTS.length, parallel), 1),
    });
  }

  // ── Resume: cut the push at 50%, let the job retry, count what was sent again ──
  if (options.only.has('resume')) {
    const { node, nodeId } = started[RESUME_HOST]!;
    const part = path.join(node.imageDir, `${installedName}.part`);
    const partSize = () => {
      try {
        return fs.statSync(part).size;
      } catch {
        return 0;
      }
    };
    await sync();
    log('Resume: pushing, to be cut at 50%…');
    const t0 = performance.now();
    const wcharBefore = bytesWritten();
    const { jobId } = await runOk(installImage, { imageId, nodeId }, admin);
    // The .part on the node (a local file here) is a finer gauge than the job's throttled bytesDone.
    while (partSize() < size / 2) {
      const status = jobRow(jobId).status;
      if (status !== 'queued' && status !== 'running') throw new Error(`The resume run's job ended (${status}) before it could be cut at 50%.`);
      await sleep(1);
    }
    await node.stop(); // kills sshd and every session it has, as a node going down would
    const keptAtCut = partSize();
    log(`Resume: cut with ${(keptAtCut / MiB).toFixed(0)} MiB (${((keptAtCut / size) * 100).toFixed(1)}%) on the node; waiting for the retry to be scheduled.`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = jobRow(jobId);
      if (job.status === 'queued' && job.attempt >= 1) break;
      if (job.status !== 'running' && job.status !== 'queued') break;
      if (Date.now() > deadline) throw new Error('The resume run: no retry was scheduled within 60 s of the cut.');
      await sleep(5);
    }
    await node.restart();
    await getJobRunner().waitFor(jobId);
    const wireBytes = wcharBefore === null ? null : bytesWritten()! - wcharBefore;
    const seconds = (performance.now() - t0) / 1000;
    const job = jobRow(jobId);
    const events = eventsOf(jobId);
    const installed = path.join(node.imageDir, installedName);
    const verified = job.status === 'succeeded' && fs.existsSync(installed) && (await sha256sum(installed)) === image.sha256;
    log(`Resume: job ${job.status} after ${job.attempt} attempt(s), ${(job.bytesTransferred / MiB).toFixed(1)} MiB sent in all; file on the node ${verified ? 'matches' : 'does NOT match'} the image's sha256.`);
    for (const e of events) log(`  job event ${e.at.toISOString().slice(11, 23)} ${e.level.padEnd(5)} ${e.message}`);
    clearNode(RESUME_HOST);
    Object.assign(report, {
      resume_resent_fraction: round((job.bytesTransferred - size) / size, 4),
      resume_verified: verified,
      resume_resent_mb: round((job.bytesTransferred - size) / MiB, 2),
      resume_bytes_transferred: job.bytesTransferred,
      resume_resent_fraction_wire: wireBytes === null ? null : round((wireBytes - size) / size, 4),
      resume_wire_bytes: wireBytes,
      resume_cut_at_fraction: round(keptAtCut / size, 3),
      resume_job_status: job.status,
      resume_attempts: job.attempt,
      resume_seconds: round(seconds),
      ...(verified ? {} : { resume_error: job.error, resume_events: events.map((e) => `${e.at.toISOString()} ${e.level} ${e.message}`) }),
    });
  }

  report.targets = Object.fromEntries(
    Object.entries(TARGETS)
      .filter(([key]) => typeof report[key] === 'number')
      .map(([key, t]) => [key, { target: t.text, met: t.met(report[key] as number) }]),
  );
  report.machine = {
    cpus: os.cpus().length,
    memory_gb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    openssh: (await runCommand('ssh', ['-V'])).stderr.trim(),
    // Idle CPU over the second before the benchmark: well below 100 means something else shared the cores.
    idle_percent_at_start: round(idleAtStart, 0),
    load_average_start: round(loadAtStart, 2),
    load_average_end: round(os.loadavg()[0], 2),
  };
  report.bench_seconds = round((performance.now() - benchStarted) / 1000, 1);
  return report;
}

/** The share of CPU time all cores spent idle over `ms` (/proc/stat); null where /proc is unavailable. */
async function idlePercent(ms: number): Promise<number | null> {
  const read = () => {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: fields[3]! + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await sleep(ms);
    const b = read();
    return ((b.idle - a.idle) / Math.max(b.total - a.total, 1)) * 100;
  } catch {
    return null;
  }
}

/** Random bytes, generated a MiB at a time as they are consumed: never the whole image in memory. */
function randomBytesStream(size: number): Readable {
  return Readable.from(
    (function* () {
      for (let left = size; left > 0; left -= MiB) yield crypto.randomBytes(Math.min(MiB, left));
    })(),
  );
}

type PushRun = {
  status: string;
  error: string | null;
  bytes: number;
  wireBytes: number | null;
  transferSeconds: number | null;
  totalSeconds: number | null;
  baselineRssMb: number;
  sampledPeakRssMb: number;
  maxRssMb: number;
  peakRssMb: number;
  transferCpuPercent: number | null;
  events: Array<{ at: string; level: string; message: string }>;
};

/** The push in a process of its own (bench/push-worker.ts), so its memory is the engine's alone. */
async function pushInChild(userId: string, imageId: string, nodeId: string, env: NodeJS.ProcessEnv): Promise<PushRun> {
  const worker = path.join(__dirname, 'push-worker.ts');
  const result = await runCommand(process.execPath, ['--conditions=react-server', '--import', 'tsx', worker, userId, imageId, nodeId], { env, passStderr: true });
  if (result.code !== 0) throw new Error(`The push worker exited ${result.code}.`);
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as PushRun;
}

// ── Report ──────────────────────────────────────────────────────────────────────

function table(report: Report): string {
  const fmt = (v: unknown, unit = '') => (v === null || v === undefined ? '–' : `${v}${unit}`);
  const targets = (report.targets ?? {}) as Record<string, { target: string; met: boolean }>;
  const row = (figure: string, key: string, unit: string, raw: string) => {
    const t = targets[key];
    return [figure, fmt(report[key], unit), t ? t.target : '–', t ? (t.met ? 'yes' : 'NO') : '–', raw];
  };
  const rows: string[][] = [['Figure', 'Value', 'Target', 'Met', 'Raw figures']];
  if ('push_vs_scp' in report) {
    rows.push(
      row('Push vs scp (throughput)', 'push_vs_scp', '', `push ${fmt(report.push_mb_s)} MiB/s in ${fmt(report.push_transfer_seconds)} s; scp ${fmt(report.scp_mb_s)} MiB/s in ${fmt(report.scp_seconds)} s (+${fmt(report.scp_setup_seconds)} s setup); ${fmt(report.cipher)}`),
      row('Push peak RSS', 'push_peak_rss_mb', ' MiB', `baseline ${fmt(report.push_rss_baseline_mb)} MiB, growth ${fmt(report.push_rss_growth_mb)} MiB; whole install ${fmt(report.push_install_seconds)} s; portal CPU ${fmt(report.push_cpu_percent)}%`),
    );
  }
  if ('fanout_parallel_vs_sequential' in report) {
    rows.push(row('Fan-out parallel / sequential', 'fanout_parallel_vs_sequential', '', `${fmt(report.fanout_nodes)} nodes: parallel ${fmt(report.fanout_parallel_seconds)} s, sequential ${fmt(report.fanout_sequential_seconds)} s`));
  }
  if ('resume_resent_fraction' in report) {
    rows.push(row('Resume: resent fraction', 'resume_resent_fraction', '', `${fmt(report.resume_resent_mb)} MiB sent again after a cut at ${fmt(report.resume_cut_at_fraction)}; verified: ${fmt(report.resume_verified)}`));
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`Install-engine benchmark: ${fmt(report.image_size_mb)} MiB image, ${(report.machine as { cpus: number } | undefined)?.cpus ?? '?'} CPUs, ${fmt(report.bench_seconds)} s`, line(rows[0]!), ...rows.slice(1).map(line)].join('\n');
}

// ── Entry ───────────────────────────────────────────────────────────────────────

async function entry() {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: npm run bench -- [--json] [--size-mb N] [--runs N] [--only push,fanout,resume]\n`);
    process.exit(2);
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-bench-'));
  // Traversable, so the nodes' user reaches its own image directories below it.
  fs.chmodSync(root, 0o755);
  const cleanups: Array<() => Promise<void> | void> = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const child of children) child.kill('SIGTERM');
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (err) {
          log(`cleanup: ${(err as Error).message}`);
        }
      }
      fs.rmSync(root, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up.`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  let report: Report;
  try {
    report = await main(options, root, cleanups);
  } catch (err) {
    log(`failed: ${(err as Error).stack ?? err}`);
    await cleanup();
    process.exit(1);
  }
  await cleanup();
  const text = table(report);
  if (options.json) {
    process.stderr.write(`\n${text}\n`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    process.stdout.write(`\n${text}\n\n${JSON.stringify(report, null, 2)}\n`);
  }
  process.exit(0);
}

void entry();
