import 'server-only';
import { sql } from 'drizzle-orm';
import { can, type UserContext } from '@/lib/auth/policy';
import { rawRows } from '@/lib/db/client';
import { isTrue, notIndexed } from '@/lib/db/dialect';
import { imageDataCenters, images, jobs, machines, nodeImages, nodes } from '@/lib/db/tables';

export type LocationGauges = {
  nodesEnabled: number;
  nodesTotal: number;
  /** Attached, or bound here: the same images as the "Images attached" table. */
  imagesAttached: number;
  /** Distinct images installed and offered on at least one enabled node here. */
  imagesAvailable: number;
  runningJobs: number;
  queuedJobs: number;
  /** Free space in the image directories of the enabled nodes, as last read from them. */
  freeImageDiskBytes: number;
  machines: number;
};

/**
 * Location Details' gauges, counted by the database in one statement at page load, so each number is
 * what the tables below it list. Only enabled nodes count towards availability and free disk: the
 * others accept no installs.
 *
 * Measured on npm run seed:large (a data center with 4,000 images attached and 25,000 finished
 * jobs): the attached images are counted from the data center's attachment rows, not by testing
 * each of the 10,000 images; the job counts go through the status index, since few jobs are ever
 * queued or running while finished ones pile up (the unary `+` keeps SQLite off the data center
 * index, through which each count read all 25,000).
 */
export async function locationGauges(user: UserContext, dataCenterId: string): Promise<LocationGauges | null> {
  if (!can(user, 'datacenter.view', { dataCenterId })) return null;
  const dc = dataCenterId;
  const [row] = await rawRows<Record<keyof LocationGauges, number | string>>(sql`
    select
      (select count(*) from ${nodes} where ${nodes.dataCenterId} = ${dc} and ${nodes.status} = 'enabled') as "nodesEnabled",
      (select count(*) from ${nodes} where ${nodes.dataCenterId} = ${dc}) as "nodesTotal",
      (select count(*) from ${images} where ${images.dcBoundId} = ${dc}
         or ${images.id} in (select ${imageDataCenters.imageId} from ${imageDataCenters} where ${imageDataCenters.dataCenterId} = ${dc})) as "imagesAttached",
      (select count(distinct ${nodeImages.imageId}) from ${nodeImages} join ${nodes} on ${nodes.id} = ${nodeImages.nodeId}
         where ${nodes.dataCenterId} = ${dc} and ${nodes.status} = 'enabled' and ${nodeImages.state} = 'installed' and ${isTrue(nodeImages.available)}) as "imagesAvailable",
      (select count(*) from ${jobs} where ${notIndexed(jobs.dataCenterId)} = ${dc} and ${jobs.status} = 'running') as "runningJobs",
      (select count(*) from ${jobs} where ${notIndexed(jobs.dataCenterId)} = ${dc} and ${jobs.status} = 'queued') as "queuedJobs",
      (select coalesce(sum(${nodes.diskFreeBytes}), 0) from ${nodes} where ${nodes.dataCenterId} = ${dc} and ${nodes.status} = 'enabled') as "freeImageDiskBytes",
      (select count(*) from ${machines} join ${nodes} on ${nodes.id} = ${machines.nodeId} where ${nodes.dataCenterId} = ${dc}) as "machines"
  `);
  // Counts come back from PostgreSQL as strings (they are bigints).
  return row ? (Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as LocationGauges) : null;
}
