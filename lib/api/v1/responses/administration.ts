import 'server-only';
import { z } from 'zod';
import { ROLES } from '@/lib/db/enums';
import { count, named, timestamp } from './registry';

const placement = z.object({
  dataCenterId: z.string(),
  dataCenterName: z.string(),
  available: z.boolean(),
  reason: z.string().nullable().describe('Why the size does not fit, naming the largest node'),
  checkedAt: timestamp,
});

export const sizeList = named(
  'SizeList',
  z.object({
    sizes: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        vcpus: count,
        memoryMb: count,
        diskGb: z.array(count),
        here: placement.nullable().describe('What the last size sync of this data center found; null before one'),
        elsewhere: z.array(placement),
      }),
    ),
  }),
);

export const sizeCreated = named('SizeCreated', z.object({ id: z.string(), name: z.string() }));
export const sizesDeleted = named('SizesDeleted', z.object({ deleted: z.array(z.string()) }));

export const credentialList = named(
  'CredentialList',
  z.object({
    credentials: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        publicKey: z.string(),
        createdAt: timestamp,
        nodes: z.array(z.object({ id: z.string(), name: z.string() })).describe('The nodes that use the key'),
      }),
    ),
  }),
  'SSH keys: names and public keys only',
);

export const credentialCreated = named(
  'CredentialCreated',
  z.object({ credentialId: z.string(), publicKey: z.string() }),
  'The public key, to put in the node user’s authorized_keys',
);

export const deletedByName = named('Deleted', z.object({ name: z.string() }), 'The name of what was deleted');

const user = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  isSuperAdmin: z.boolean(),
  disabled: z.boolean(),
  createdAt: timestamp,
  grants: z.array(
    z.object({
      dataCenterId: z.string(),
      dataCenterName: z.string(),
      role: z.enum(ROLES),
      effective: z.boolean().describe('False for an ImageImportAdmin grant without ImageAdmin on the same data center'),
    }),
  ),
});

export const userWithGrants = named('User', user, 'A user with their role grants');
export const userList = named('UserList', z.object({ users: z.array(userWithGrants) }));
export const userCreated = named('UserCreated', z.object({ id: z.string() }));
export const userChanged = named('UserChanged', z.object({ id: z.string(), username: z.string() }));
export const grantChanged = named(
  'GrantChanged',
  z.object({ userId: z.string(), username: z.string(), dataCenterName: z.string().optional() }),
);
