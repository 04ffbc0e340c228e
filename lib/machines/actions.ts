'use server';

import { serverAction } from '@/lib/actions/server-action';
import { recordMachine, removeMachine } from './operations';

const revalidate = (r: { nodeId: string; imageId: string }) => [`/nodes/${r.nodeId}`, `/images/${r.imageId}`];

export const recordMachineAction = serverAction(recordMachine, { revalidate });
export const removeMachineAction = serverAction(removeMachine, { revalidate });
