import 'server-only';
import { eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { dataCenters } from '@/lib/db/schema';
import { newId, now } from '@/lib/clock';
import { ConflictError } from '@/lib/errors';
import { createDataCenterSchema } from './schemas';

export const createDataCenter = defineOperation({
  name: 'datacenter.create',
  targetType: 'datacenter',
  input: createDataCenterSchema,
  authorize: (_input, user) => authorize(user, 'infrastructure.manage', {}),
  run: (input) => {
    const db = getDb();
    if (db.select({ id: dataCenters.id }).from(dataCenters).where(eq(dataCenters.code, input.code)).get()) {
      throw new ConflictError('That code is taken.', { code: [`A data center with code "${input.code}" already exists.`] });
    }
    const id = newId();
    db.insert(dataCenters)
      .values({ id, code: input.code, name: input.name, description: input.description ?? '', createdAt: now() })
      .run();
    return { id };
  },
  audited: (result, input) => ({ targetId: result.id, dataCenterId: result.id, details: { code: input.code } }),
});
