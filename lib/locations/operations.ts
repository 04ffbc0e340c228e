import 'server-only';
import { eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { dataCenters } from '@/lib/db/tables';
import { newId, now } from '@/lib/clock';
import { ConflictError } from '@/lib/errors';
import { requireDataCenter } from './queries';
import { createDataCenterSchema, relayInstallsSchema, renameDataCenterSchema } from './schemas';

export const createDataCenter = defineOperation({
  name: 'datacenter.create',
  targetType: 'datacenter',
  input: createDataCenterSchema,
  authorize: (_input, user) => authorize(user, 'infrastructure.manage', {}),
  run: async (input) => {
    const db = getDb();
    if (await firstRow(db.select({ id: dataCenters.id }).from(dataCenters).where(eq(dataCenters.code, input.code)))) {
      throw new ConflictError('That code is taken.', {
        code: [`A data center with code "${input.code}" already exists.`],
      });
    }
    const id = newId();
    await db
      .insert(dataCenters)
      .values({ id, code: input.code, name: input.name, description: input.description ?? '', createdAt: now() });
    return { id };
  },
  audited: (result, input) => ({ targetId: result.id, dataCenterId: result.id, details: { code: input.code } }),
});

/** Rename: the name only. The code is the data center's stable slug, which scripts may rely on. */
export const renameDataCenter = defineOperation({
  name: 'datacenter.rename',
  targetType: 'datacenter',
  input: renameDataCenterSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.dataCenterId, dataCenterId: input.dataCenterId });
    authorize(user, 'infrastructure.manage', {});
  },
  run: async (input) => {
    const before = await requireDataCenter(input.dataCenterId);
    await getDb().update(dataCenters).set({ name: input.name }).where(eq(dataCenters.id, input.dataCenterId));
    return { id: input.dataCenterId, from: before.name, to: input.name };
  },
  audited: (result) => ({ details: { from: result.from, to: result.to } }),
});

/**
 * Relayed installs on or off: on, an install to several nodes sends the image once and the other
 * nodes copy it from one another (lib/install/relay/); off, every node installs directly.
 */
export const setRelayInstalls = defineOperation({
  name: 'datacenter.relay-installs.set',
  targetType: 'datacenter',
  input: relayInstallsSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.dataCenterId, dataCenterId: input.dataCenterId });
    authorize(user, 'infrastructure.manage', {});
  },
  run: async (input) => {
    await requireDataCenter(input.dataCenterId);
    await getDb()
      .update(dataCenters)
      .set({ relayInstalls: input.relayInstalls })
      .where(eq(dataCenters.id, input.dataCenterId));
    return { id: input.dataCenterId, relayInstalls: input.relayInstalls };
  },
  audited: (result) => ({ details: { relayInstalls: result.relayInstalls } }),
});
