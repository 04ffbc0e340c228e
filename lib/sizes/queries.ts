import 'server-only';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { dataCenters, sizeDataCenters, sizes } from '@/lib/db/tables';
import { emptyTablePage, tablePage, type TablePage } from '@/lib/locations/table-page';

export type Placement = {
  dataCenterId: string;
  dataCenterName: string;
  available: boolean;
  reason: string | null;
  checkedAt: Date;
};

export type SizeWithPlacement = {
  id: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number[];
  /** What the last Sync Available Sizes of this data center found; null before the first one. */
  here: Placement | null;
  /** The other data centers this user sees, as their last sync found them. */
  elsewhere: Placement[];
};

type SizeRow = typeof sizes.$inferSelect;

const SMALLEST_FIRST = [asc(sizes.vcpus), asc(sizes.memoryMb), asc(sizes.name)];

/**
 * Every size, whether it fits in this data center, and where else it fits or why not. Only data
 * centers the user may view are named.
 */
export async function sizesForDataCenter(user: UserContext, dataCenterId: string): Promise<SizeWithPlacement[]> {
  if (!can(user, 'datacenter.view', { dataCenterId })) return [];
  return await withPlacements(
    user,
    dataCenterId,
    await getDb()
      .select()
      .from(sizes)
      .orderBy(...SMALLEST_FIRST),
  );
}

/** Location Details, "VM sizes": one page of the same, smallest first. */
export async function listSizesForDataCenterPage(
  user: UserContext,
  dataCenterId: string,
  page: number,
): Promise<TablePage<SizeWithPlacement>> {
  if (!can(user, 'datacenter.view', { dataCenterId })) return emptyTablePage();
  const db = getDb();
  const total = (await firstRow(db.select({ n: count() }).from(sizes)))?.n ?? 0;
  return tablePage(
    total,
    page,
    async (limit, offset) =>
      await withPlacements(
        user,
        dataCenterId,
        await db
          .select()
          .from(sizes)
          .orderBy(...SMALLEST_FIRST)
          .limit(limit)
          .offset(offset),
      ),
  );
}

/** The sizes with where each fits, as the last Sync Available Sizes of each visible data center found. */
async function withPlacements(user: UserContext, dataCenterId: string, rows: SizeRow[]): Promise<SizeWithPlacement[]> {
  if (rows.length === 0) return [];
  const visible = visibleDataCenterIds(user);
  const placements = await getDb()
    .select({
      sizeId: sizeDataCenters.sizeId,
      dataCenterId: sizeDataCenters.dataCenterId,
      dataCenterName: dataCenters.name,
      available: sizeDataCenters.available,
      reason: sizeDataCenters.reason,
      checkedAt: sizeDataCenters.checkedAt,
    })
    .from(sizeDataCenters)
    .innerJoin(dataCenters, eq(dataCenters.id, sizeDataCenters.dataCenterId))
    .where(
      and(
        inArray(
          sizeDataCenters.sizeId,
          rows.map((size) => size.id),
        ),
        visible ? inArray(sizeDataCenters.dataCenterId, visible) : undefined,
      ),
    )
    .orderBy(asc(dataCenters.name));
  return rows.map((size) => {
    const mine = placements.filter((p) => p.sizeId === size.id).map(({ sizeId: _, ...p }) => p);
    return {
      id: size.id,
      name: size.name,
      vcpus: size.vcpus,
      memoryMb: size.memoryMb,
      diskGb: size.diskGb,
      here: mine.find((p) => p.dataCenterId === dataCenterId) ?? null,
      elsewhere: mine.filter((p) => p.dataCenterId !== dataCenterId),
    };
  });
}
