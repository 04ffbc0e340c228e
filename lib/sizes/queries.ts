import 'server-only';
import { asc, eq, inArray } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { dataCenters, sizeDataCenters, sizes } from '@/lib/db/schema';

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

/**
 * Location Details, "VM sizes": every size, whether it fits here, and where else it fits or why
 * not. Only data centers the user may view are named.
 */
export function sizesForDataCenter(user: UserContext, dataCenterId: string): SizeWithPlacement[] {
  if (!can(user, 'datacenter.view', { dataCenterId })) return [];
  const db = getDb();
  const visible = visibleDataCenterIds(user);
  const placements = db
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
    .where(visible ? inArray(sizeDataCenters.dataCenterId, visible) : undefined)
    .orderBy(asc(dataCenters.name))
    .all();
  return db
    .select()
    .from(sizes)
    .orderBy(asc(sizes.vcpus), asc(sizes.memoryMb), asc(sizes.name))
    .all()
    .map((size) => {
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
