import 'server-only';
import { sql, type Column, type SQL } from 'drizzle-orm';
import { asNumber } from '@/lib/db/dialect';
import type { NodeStatus } from '@/lib/db/enums';
import { nodes } from '@/lib/db/tables';

/**
 * How many nodes the data center `dataCenterId` (a column of the outer query) has, of `status` if
 * given: a count in the (data center, status) index per data center. Joining the nodes and grouping
 * instead would read all 10,000 of a large cloud into a hash for a handful of numbers.
 */
export function nodesIn(dataCenterId: Column, status?: NodeStatus): SQL<number> {
  const ofStatus = status ? sql` and ${nodes.status} = ${status}` : sql``;
  return asNumber(sql`(select count(*) from ${nodes} where ${nodes.dataCenterId} = ${dataCenterId}${ofStatus})`);
}
