import 'server-only';
import { eq, inArray } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { newId, now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { sizes } from '@/lib/db/tables';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { createSizeSchema, deleteSizesSchema } from './schemas';

/** Adds a VM size. Where it fits is known after the next Sync Available Sizes of each data center. */
export const createSize = defineOperation({
  name: 'size.create',
  targetType: 'size',
  input: createSizeSchema,
  authorize: (_input, user) => authorize(user, 'infrastructure.manage', {}),
  run: async (input) => {
    const db = getDb();
    if (await firstRow(db.select({ id: sizes.id }).from(sizes).where(eq(sizes.name, input.name)))) {
      throw new ConflictError('That name is taken.', { name: [`A size named "${input.name}" already exists.`] });
    }
    const id = newId();
    await db.insert(sizes).values({
      id,
      name: input.name,
      vcpus: input.vcpus,
      memoryMb: input.memoryMb,
      diskGb: input.diskGb,
      createdAt: now(),
    });
    return { id, name: input.name };
  },
  audited: (result, input) => ({
    targetId: result.id,
    details: { name: input.name, vcpus: input.vcpus, memoryMb: input.memoryMb, diskGb: input.diskGb },
  }),
});

/**
 * "Delete unused VM sizes": deletes the sizes the admin chose. A size may go "while no machine uses
 * it", but machines do not record their size yet, so the portal cannot know whether one is in use
 * and does not pretend to: nothing is picked automatically, the admin chooses, and the dialog says usage is not tracked. Once machines
 * record a size, the in-use refusal belongs here, as an InUseError naming the machines.
 */
export const deleteSizes = defineOperation({
  name: 'size.delete',
  targetType: 'size',
  input: deleteSizesSchema,
  authorize: (_input, user) => authorize(user, 'infrastructure.manage', {}),
  run: (input) => {
    const ids = [...new Set(input.sizeIds)];
    return getDb().transaction(async (tx) => {
      const found = await tx.select({ id: sizes.id, name: sizes.name }).from(sizes).where(inArray(sizes.id, ids));
      if (found.length !== ids.length) throw new NotFoundError('One of the sizes');
      await tx.delete(sizes).where(inArray(sizes.id, ids)); // size_data_centers rows go with them (cascade)
      return { deleted: found.map((s) => s.name).sort() };
    });
  },
  audited: (result, input) => ({ details: { sizeIds: input.sizeIds, names: result.deleted } }),
});
