import 'server-only';
import { z } from 'zod';
import { NODE_STATUSES } from '@/lib/db/enums';
import { bytes, count, named } from './registry';

export const nodeProbed = named(
  'NodeProbed',
  z.object({
    credentialId: z.string().describe('The key the probe connected with, to register the node with'),
    fingerprint: z.string().describe('The host key’s SHA256 fingerprint, to confirm and pin'),
  }),
);

export const nodeRegistered = named('NodeRegistered', z.object({ id: z.string() }));

export const nodeCapacity = named(
  'NodeCapacity',
  z.object({ cpus: count, memoryBytes: bytes, diskTotalBytes: bytes, diskFreeBytes: bytes }),
  'What the node reported over SSH just now',
);

export const nodeStatusChanged = named(
  'NodeStatusChanged',
  z.object({
    previous: z.enum(NODE_STATUSES),
    installedImages: count.optional().describe('On decommission: the images that became unavailable'),
  }),
);

export const hostKeyRead = named(
  'HostKeyRead',
  z.object({ pinned: z.string(), presented: z.string() }),
  'The pinned fingerprint and the one the node presents now',
);

export const hostKeyRepinned = named(
  'HostKeyRepinned',
  z.object({ oldFingerprint: z.string(), newFingerprint: z.string() }),
);

export const nodeDcAddressSet = named(
  'NodeDcAddressSet',
  z.object({ id: z.string(), from: z.string().nullable(), to: z.string().nullable() }),
  'The node’s data-center address before and after; null is its host',
);
