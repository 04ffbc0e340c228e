import 'server-only';
import { z } from 'zod';
import { MACHINE_STATUSES, NODE_IMAGE_STATES, NODE_STATUSES } from '@/lib/db/enums';
import { bytes, count, named, timestamp } from './registry';

const dataCenterFields = {
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  relayInstalls: z
    .boolean()
    .describe('Installs to several nodes here send the image once; the other nodes copy it from a node that has it'),
  createdAt: timestamp,
};
export const dataCenter = named('DataCenter', z.object(dataCenterFields));

export const dataCenterList = named(
  'DataCenterList',
  z.object({
    dataCenters: z.array(z.object({ ...dataCenterFields, nodeCount: count, enabledNodeCount: count })),
  }),
);

const capacity = {
  cpus: count.nullable(),
  memoryBytes: bytes.nullable(),
  diskTotalBytes: bytes.nullable(),
  diskFreeBytes: bytes.nullable(),
};

const machineInDataCenter = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(MACHINE_STATUSES),
  nodeId: z.string(),
  nodeName: z.string(),
  imageId: z.string(),
  imageName: z.string(),
});

export const dataCenterDetails = named(
  'DataCenterDetails',
  z.object({
    dataCenter,
    nodes: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        host: z.string(),
        port: count,
        status: z.enum(NODE_STATUSES),
        ...capacity,
        lastSeenAt: timestamp.nullable(),
        lastError: z.string().nullable(),
        imageCount: count.describe('Images installed on the node'),
      }),
    ),
    machines: z.array(machineInDataCenter),
  }),
  'A data center with its nodes and the machines on them',
);

export const nodeDetails = named(
  'NodeDetails',
  z.object({
    node: z.object({
      id: z.string(),
      dataCenterId: z.string(),
      name: z.string(),
      host: z.string(),
      port: count,
      sshUser: z.string(),
      credentialId: z.string(),
      hostKeyFingerprint: z.string().describe('The pinned SHA256 fingerprint; any other host key is refused'),
      imageDir: z.string(),
      dcAddress: z
        .string()
        .nullable()
        .describe('Where the node’s peers reach its SSH to copy images from it (relayed installs); null: its host'),
      status: z.enum(NODE_STATUSES),
      statusReason: z.string().nullable(),
      lastError: z.string().nullable(),
      lastSeenAt: timestamp.nullable(),
      consecutiveFailures: count,
      ...capacity,
      createdAt: timestamp,
      updatedAt: timestamp,
    }),
    dataCenter: z.object({ id: z.string(), name: z.string(), code: z.string() }),
    publicKey: z.string().describe('The public half of the node’s SSH key; the private half never leaves the portal'),
    images: z.array(
      z.object({
        imageId: z.string(),
        name: z.string(),
        version: z.string(),
        state: z.enum(NODE_IMAGE_STATES),
        available: z.boolean(),
        path: z.string().nullable(),
        sizeBytes: bytes.nullable(),
        installedAt: timestamp.nullable(),
        copiedFromNodeId: z.string().nullable().describe('The node this copy was copied from (a relayed install)'),
        lastJobId: z.string().nullable(),
      }),
    ),
  }),
  'A node with the images on it',
);

export const dataCenterCreated = named('DataCenterCreated', z.object({ id: z.string() }));
export const dataCenterRenamed = named(
  'DataCenterRenamed',
  z.object({ id: z.string(), from: z.string(), to: z.string() }),
);

export const relayInstallsSet = named(
  'RelayInstallsSet',
  z.object({ id: z.string(), relayInstalls: z.boolean() }),
  'Whether installs in the data center now copy between its nodes',
);

export const machineRecorded = named(
  'MachineRecorded',
  z.object({ machineId: z.string(), nodeId: z.string(), imageId: z.string() }),
);
