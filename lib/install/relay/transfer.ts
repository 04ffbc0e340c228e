import 'server-only';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { inArray } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { jobs, nodes } from '@/lib/db/tables';
import { errorMessage } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import type { JobContext } from '@/lib/jobs/context';
import { dataCenterAddress } from '@/lib/nodes/address';
import { withNodeSession } from '@/lib/nodes/connection';
import { imageFilesAt, type ImageFiles } from '@/lib/nodes/paths';
import type { SshSession } from '@/lib/ssh/session';
import { setNodeImageState } from '../node-images';
import * as remote from '../remote';
import { withSizePolling } from '../size-polling';
import { relayAuthorizedKeyLine } from './authorized-key';
import { copyFromSeed, knownHostsLine, ReceiverLostError, RelayFailedError } from './copy';
import { addRelayKey, listRelayKeyJobs, removeRelayKey, removeRelayKeysOfJobs } from './seed-keys';
import { awaitSeed, relayAllowedIn, type Seed } from './seed';
import { generateEd25519 } from '@/lib/credentials/keys';

type Node = typeof nodes.$inferSelect;

type RelayInput = {
  session: SshSession;
  ctx: JobContext;
  files: ImageFiles;
  image: { id: string; sha256: string | null };
  node: Node;
  offset: number;
  expectedSize: number | null;
};

/** Copied from a seed, or to be installed directly from `directFrom` bytes (what a failed copy left). */
export type RelayOutcome = { copiedFrom: Node } | { directFrom: number };

/**
 * The third transfer source (docs/architecture.md, "Relayed installs"): the node copies the image
 * from a seed of its data center, authorised by a one-time key for this copy only. Returns the
 * seed it copied from, or where a direct install goes on from: relaying is off, there is no seed,
 * or the copy failed (the job log says why, and the bytes it got are kept). A stop request is
 * thrown, never fallen back from.
 */
export async function relayTransfer(input: RelayInput): Promise<RelayOutcome> {
  const { ctx, image, node } = input;
  const direct = { directFrom: input.offset };
  if (!image.sha256 || !(await relayAllowedIn(node.dataCenterId))) return direct;
  const seed = await awaitSeed(ctx, image, node);
  if (!seed) return direct;
  const label = `${seed.node.name} (${dataCenterAddress(seed.node)})`;
  await setNodeImageState(node.id, image.id, { state: 'installing', copiedFromNodeId: seed.node.id });
  try {
    ctx.phase('transfer', `Node copies the image from ${label} over the data center's network.`);
    await withNodeSession(seed.node, async (seedSession) => await copyTwice(seedSession, seed, input));
    ctx.log('info', `Copied from node ${label}.`);
    return { copiedFrom: seed.node };
  } catch (err) {
    ctx.throwIfStopped();
    if (ctx.leaseLost || err instanceof ReceiverLostError) throw err;
    await setNodeImageState(node.id, image.id, { state: 'installing', copiedFromNodeId: null });
    const why = err instanceof RelayFailedError ? err.message : errorMessage(err);
    ctx.log('warn', `Could not copy the image from node ${label}: ${why}. Installing directly instead.`);
    return { directFrom: await remote.fileSize(input.session, input.files.part) };
  }
}

/**
 * A copy that fails is tried once more, with a new key and from the bytes the first attempt left,
 * before the install goes direct: a node under load has been seen to fail one copy's login once
 * (its ssh could not read the key file it had just written) and succeed the next.
 */
async function copyTwice(seedSession: SshSession, seed: Seed, input: RelayInput): Promise<void> {
  try {
    await copyVia(seedSession, seed, input);
  } catch (err) {
    input.ctx.throwIfStopped();
    if (input.ctx.leaseLost || !(err instanceof RelayFailedError)) throw err;
    input.ctx.log('warn', `The copy from ${seed.node.name} failed (${err.message}); trying once more.`);
    const offset = await remote.fileSize(input.session, input.files.part);
    await copyVia(seedSession, seed, { ...input, offset });
  }
}

/** Authorises the copy on the seed, runs it on the receiver, and takes the key away again. */
async function copyVia(seedSession: SshSession, seed: Seed, input: RelayInput): Promise<void> {
  const { ctx, node, session, files } = input;
  const seedFile = imageFilesAt(seed.node.imageDir, seed.path).file;
  await sweepStaleKeys(seedSession, ctx);
  const source = dataCenterAddress(node);
  const key = generateEd25519('cloud-broker-portal:relay');
  const line = relayAuthorizedKeyLine({
    publicKey: key.publicKey,
    from: await sourceAddresses(source),
    file: seedFile,
    jobId: ctx.job.id,
  });
  await addRelayKey(seedSession, key.publicKey, line);
  let received = 0;
  try {
    ctx.progress(input.offset, input.expectedSize);
    await withSizePolling(
      session,
      files.part,
      (size) => {
        received = Math.max(0, size - input.offset);
        ctx.progress(size, input.expectedSize);
      },
      () =>
        copyFromSeed(
          session,
          files,
          {
            address: dataCenterAddress(seed.node),
            port: seed.node.port,
            user: seed.node.sshUser,
            knownHostsLine: knownHostsLine(dataCenterAddress(seed.node), seed.node.port, seedSession.hostKey),
            privateKey: key.privateKey,
            sourceAddress: source,
            offset: input.offset,
          },
          ctx.signal,
        ),
    );
    received = Math.max(0, (await remote.fileSize(session, files.part)) - input.offset);
    if (input.offset > 0) ctx.log('info', `Copied the remaining ${formatBytes(received)} after the partial file.`);
  } finally {
    ctx.transferred(received);
    await removeRelayKey(seedSession, key.publicKey).catch((err: unknown) =>
      ctx.log(
        'warn',
        `Could not remove the copy key from ${seed.node.name} (${errorMessage(err)}); the next copy from it removes it.`,
      ),
    );
  }
}

/** `from=` takes addresses: a data-center host name is resolved here, as the seed's sshd would see the peer. */
async function sourceAddresses(address: string): Promise<string[]> {
  if (isIP(address)) return [address];
  const found = await lookup(address, { all: true }).catch(() => []);
  if (found.length === 0) throw new RelayFailedError(`the data-center address ${address} does not resolve`);
  return [...new Set(found.map((a) => a.address))];
}

/**
 * Removes relay keys left on the seed by jobs of this portal that are no longer running (a portal
 * that died mid-copy). Keys of jobs this portal does not know are left alone: another portal
 * sharing the node may be using them.
 */
async function sweepStaleKeys(seedSession: SshSession, ctx: JobContext): Promise<void> {
  const listed = (await listRelayKeyJobs(seedSession)).filter((id) => id !== ctx.job.id);
  if (listed.length === 0) return;
  const stale = (await getDb().select({ id: jobs.id, status: jobs.status }).from(jobs).where(inArray(jobs.id, listed)))
    .filter((j) => j.status !== 'running')
    .map((j) => j.id);
  if (stale.length === 0) return;
  await removeRelayKeysOfJobs(seedSession, stale);
  ctx.log('info', `Removed ${stale.length} copy key(s) left on the seed by jobs that ended.`);
}
