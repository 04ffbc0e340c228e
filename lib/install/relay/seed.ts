import 'server-only';
import { and, asc, count, eq, isNotNull, lt, ne, or, inArray } from 'drizzle-orm';
import { firstRow, getDb } from '@/lib/db/client';
import { dataCenters, jobs, nodeImages, nodes } from '@/lib/db/tables';
import type { JobContext } from '@/lib/jobs/context';

type Node = typeof nodes.$inferSelect;
type Image = { id: string; sha256: string | null };

/** A node a relayed install copies from: it holds a verified copy of the image at `path`. */
export type Seed = { node: Node; path: string };

const WAIT_POLL_MS = 1000;

/** Whether installs in this data center may copy between its nodes (data_centers.relay_installs). */
export async function relayAllowedIn(dataCenterId: string): Promise<boolean> {
  const dc = await firstRow(
    getDb()
      .select({ relayInstalls: dataCenters.relayInstalls })
      .from(dataCenters)
      .where(eq(dataCenters.id, dataCenterId)),
  );
  return dc?.relayInstalls ?? false;
}

/**
 * The best seed for a copy to `node`: another enabled node of its data center whose copy is
 * installed and was hashed by the node to the image's sha256, with the fewest copies from it in
 * flight (any image), so a tree grows rather than a star on the first node. Null when there is none.
 */
export async function getSeed(image: Image, node: Node): Promise<Seed | null> {
  if (!image.sha256) return null;
  const db = getDb();
  const candidates = await db
    .select({ node: nodes, path: nodeImages.path })
    .from(nodeImages)
    .innerJoin(nodes, eq(nodes.id, nodeImages.nodeId))
    .where(
      and(
        eq(nodeImages.imageId, image.id),
        eq(nodeImages.state, 'installed'),
        eq(nodeImages.verifiedSha256, image.sha256),
        isNotNull(nodeImages.path),
        eq(nodes.dataCenterId, node.dataCenterId),
        eq(nodes.status, 'enabled'),
        ne(nodes.id, node.id),
      ),
    )
    .orderBy(asc(nodes.name));
  if (candidates.length === 0) return null;
  const inFlight = new Map(
    (
      await db
        .select({ seedId: nodeImages.copiedFromNodeId, n: count() })
        .from(nodeImages)
        .where(
          and(
            inArray(
              nodeImages.copiedFromNodeId,
              candidates.map((c) => c.node.id),
            ),
            eq(nodeImages.state, 'installing'),
          ),
        )
        .groupBy(nodeImages.copiedFromNodeId)
    ).map((r) => [r.seedId, r.n]),
  );
  const best = candidates.reduce((a, b) => ((inFlight.get(b.node.id) ?? 0) < (inFlight.get(a.node.id) ?? 0) ? b : a));
  return { node: best.node, path: best.path! };
}

/**
 * An install of the same image in the same data center that was queued before this one and is
 * running now: its node will be a seed soon. Queued ones are never waited for: under the
 * concurrency limits they may be waiting for this very job to end.
 */
async function getEarlierRunningInstall(job: JobContext['job'], node: Node) {
  return await firstRow(
    getDb()
      .select({ id: jobs.id, nodeName: nodes.name })
      .from(jobs)
      .innerJoin(nodes, eq(nodes.id, jobs.nodeId))
      .where(
        and(
          eq(jobs.kind, 'install'),
          eq(jobs.status, 'running'),
          eq(jobs.imageId, job.imageId!),
          eq(nodes.dataCenterId, node.dataCenterId),
          ne(jobs.id, job.id),
          or(lt(jobs.createdAt, job.createdAt), and(eq(jobs.createdAt, job.createdAt), lt(jobs.id, job.id))),
        ),
      )
      .orderBy(asc(jobs.createdAt)),
  );
}

/**
 * The seed to copy from, waiting while an earlier install of the image in the data center is still
 * running (it becomes the seed when it succeeds). Null: install directly, this node becomes a seed.
 */
export async function awaitSeed(ctx: JobContext, image: Image, node: Node): Promise<Seed | null> {
  let waitingFor: string | undefined;
  for (;;) {
    ctx.throwIfStopped();
    const seed = await getSeed(image, node);
    if (seed) return seed;
    const earlier = await getEarlierRunningInstall(ctx.job, node);
    if (!earlier) {
      if (waitingFor) ctx.log('info', `The install on ${waitingFor} ended without a copy to share.`);
      return null;
    }
    if (earlier.nodeName !== waitingFor) {
      waitingFor = earlier.nodeName;
      // A phase of its own: the job page says why no byte moves meanwhile.
      ctx.phase('wait', `Waiting for ${earlier.nodeName} to receive the image first, to copy it from there.`);
    }
    await sleep(WAIT_POLL_MS, ctx.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
