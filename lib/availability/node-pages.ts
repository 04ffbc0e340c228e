import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { dataCenters, nodeImages, nodes } from '@/lib/db/tables';
import { nodesIn } from '@/lib/locations/node-counts';

/** Nodes per page on the Image Availability page: a cloud's thousands of nodes would make a page of megabytes. */
export const AVAILABILITY_PAGE_SIZE = 100;

/** Which page of the nodes a paged read holds (the page reads 100 at a time; the API reads all). */
export type AvailabilityPaging = { page: number; pageSize: number; pageCount: number; total: number };

type Slice = { dataCenterId: string; offset: number; limit: number };

/**
 * The nodes of `dataCenterIds` with the image's row on each, in data-center name then node name
 * order: all of them, or with `page` that page of AVAILABILITY_PAGE_SIZE. A page is read as the
 * slice of each data center it covers (one or two, mostly), each from the (data center, name)
 * index: ordering all nodes by their data center's name would sort all 10,000 for 100 rows.
 */
export async function readNodePage(imageId: string, dataCenterIds: string[], page?: number) {
  const counted = await getDb()
    .select({ id: dataCenters.id, nodes: nodesIn(dataCenters.id) })
    .from(dataCenters)
    .where(inArray(dataCenters.id, dataCenterIds))
    .orderBy(asc(dataCenters.name), asc(dataCenters.id));
  const total = counted.reduce((sum, dc) => sum + dc.nodes, 0);
  const pageSize = AVAILABILITY_PAGE_SIZE;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  // A page past the end (nodes removed since the link was made) shows the last one.
  const paging: AvailabilityPaging | undefined =
    page === undefined
      ? undefined
      : { page: Math.min(Math.max(1, Math.floor(page)), pageCount), pageSize, pageCount, total };
  const window = paging ? { offset: (paging.page - 1) * pageSize, limit: pageSize } : { offset: 0, limit: total };
  const slices = slicesOf(counted, window);
  const rows = (await Promise.all(slices.map((slice) => readSlice(imageId, slice)))).flat();
  return { rows, paging };
}

/** Which part of each data center's nodes falls in the window over all of them, in order. */
function slicesOf(counts: { id: string; nodes: number }[], window: { offset: number; limit: number }): Slice[] {
  const slices: Slice[] = [];
  let start = 0;
  const end = window.offset + window.limit;
  for (const dc of counts) {
    const from = Math.max(window.offset, start);
    const to = Math.min(end, start + dc.nodes);
    if (to > from) slices.push({ dataCenterId: dc.id, offset: from - start, limit: to - from });
    start += dc.nodes;
  }
  return slices;
}

function readSlice(imageId: string, slice: Slice) {
  return getDb()
    .select({ node: nodes, dcName: dataCenters.name, ni: nodeImages })
    .from(nodes)
    .innerJoin(dataCenters, eq(dataCenters.id, nodes.dataCenterId))
    .leftJoin(nodeImages, and(eq(nodeImages.nodeId, nodes.id), eq(nodeImages.imageId, imageId)))
    .where(eq(nodes.dataCenterId, slice.dataCenterId))
    .orderBy(asc(nodes.name), asc(nodes.id))
    .limit(slice.limit)
    .offset(slice.offset);
}
