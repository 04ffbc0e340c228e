import 'server-only';
import { firstRow } from '@/lib/db/client';
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { ACTIVE_JOB_STATUSES } from '@/lib/db/enums';
import { jobs } from '@/lib/db/tables';
import { ConflictError } from '@/lib/errors';
import { insertJob } from '@/lib/jobs/rows';
import type { ImportJobParams } from './params';
import { jsonText } from '@/lib/db/dialect';

/** Queues an import inside the caller's transaction; one import of an image at a time. */
export async function enqueueImport(
  tx: Tx,
  params: ImportJobParams,
  dataCenterId: string | null,
  userId: string,
): Promise<string> {
  const running = await firstRow(
    tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          eq(jobs.kind, 'import'),
          inArray(jobs.status, [...ACTIVE_JOB_STATUSES]),
          eq(jsonText(jobs.params, 'uuid'), params.uuid),
        ),
      ),
  );
  if (running) throw new ConflictError(`Image ${params.uuid} is already being imported (job ${running.id}).`);
  return insertJob(tx, {
    kind: 'import',
    createdBy: userId,
    dataCenterId: dataCenterId ?? undefined,
    imageName: params.imageName,
    params,
  });
}
