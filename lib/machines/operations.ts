import 'server-only';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { newId, now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { images, machines, nodes } from '@/lib/db/tables';
import { MACHINE_STATUSES } from '@/lib/db/enums';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { id } from '@/lib/validation';

/**
 * Machines are reported to the portal so that "in use" guards are real. Recording and removing
 * one is infrastructure work: SuperAdmins only, from Node Details or the JSON API.
 */
const recordMachineSchema = z.object({
  name: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'Letters, digits, dot, dash or underscore; up to 64, starting with a letter or digit.',
    ),
  nodeId: id,
  imageId: z.uuid('Choose the image the machine runs.'),
  status: z.enum(MACHINE_STATUSES).default('running'),
});

export const recordMachine = defineOperation({
  name: 'machine.record',
  targetType: 'machine',
  input: recordMachineSchema,
  authorize: async (input, user, note) => {
    const node = await firstRow(getDb().select().from(nodes).where(eq(nodes.id, input.nodeId)));
    note({
      dataCenterId: node?.dataCenterId,
      details: { name: input.name, nodeId: input.nodeId, imageId: input.imageId },
    });
    authorize(user, 'infrastructure.manage', {});
    if (!node) throw new NotFoundError('The node');
  },
  run: async (input) => {
    const db = getDb();
    const image = await firstRow(db.select().from(images).where(eq(images.id, input.imageId)));
    if (!image) throw new ValidationError('That image does not exist.', { imageId: ['Choose an existing image.'] });
    // A deleted image stays with the machines that have it, but no new machine gets it.
    if (image.access === 'deleted')
      throw new ValidationError(`${image.name} is deleted; no new machine can use it.`, {
        imageId: ['Choose an image that is not deleted.'],
      });
    if (
      await firstRow(
        db
          .select({ id: machines.id })
          .from(machines)
          .where(and(eq(machines.nodeId, input.nodeId), eq(machines.name, input.name))),
      )
    ) {
      throw new ConflictError('That name is taken on this node.', {
        name: [`A machine named "${input.name}" already runs on this node.`],
      });
    }
    const machineId = newId();
    await db.insert(machines).values({ id: machineId, ...input, createdAt: now() });
    return { machineId, nodeId: input.nodeId, imageId: input.imageId };
  },
  audited: (result) => ({ targetId: result.machineId }),
});

export const removeMachine = defineOperation({
  name: 'machine.remove',
  targetType: 'machine',
  input: z.object({ machineId: id }),
  authorize: (input, user, note) => {
    note({ targetId: input.machineId });
    authorize(user, 'infrastructure.manage', {});
  },
  run: async ({ machineId }) => {
    const machine = await firstRow(getDb().select().from(machines).where(eq(machines.id, machineId)));
    if (!machine) throw new NotFoundError('The machine');
    await getDb().delete(machines).where(eq(machines.id, machineId));
    return { machineId, nodeId: machine.nodeId, imageId: machine.imageId };
  },
});
