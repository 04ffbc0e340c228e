import { describe, expect, it } from 'vitest';
import {
  can,
  POLICY_MATRIX,
  type Grant,
  type PolicyAction,
  type PolicySubjects,
  type UserContext,
} from '@/lib/auth/policy';

/**
 * The role matrix, written out case by case: every action, for every kind of user,
 * on their own data center, another data center, and global images. The expectations are typed
 * here by hand from the design, not derived from the implementation.
 */
const OWN = 'dc-own';
const OTHER = 'dc-other';

const user = (name: string, grants: Grant[], isSuperAdmin = false): UserContext => ({
  id: name,
  username: name,
  name,
  isSuperAdmin,
  grants,
});

const USERS = {
  SuperAdmin: user('super', [], true),
  DCAdmin: user('dcadmin', [{ dataCenterId: OWN, role: 'DCAdmin' }]),
  ImageAdmin: user('imageadmin', [{ dataCenterId: OWN, role: 'ImageAdmin' }]),
  ImageImportAdmin: user('importer', [
    { dataCenterId: OWN, role: 'ImageAdmin' },
    { dataCenterId: OWN, role: 'ImageImportAdmin' },
  ]),
  // ImageImportAdmin only counts together with ImageAdmin on the same data center.
  ImportWithoutImageAdmin: user('import-only', [{ dataCenterId: OWN, role: 'ImageImportAdmin' }]),
  ImportElsewhere: user('import-elsewhere', [
    { dataCenterId: OWN, role: 'ImageAdmin' },
    { dataCenterId: OTHER, role: 'ImageImportAdmin' },
  ]),
  NoGrants: user('nobody', []),
};
type Who = keyof typeof USERS;

type Case<A extends PolicyAction> = { action: A; scope: string; subject: PolicySubjects[A]; allowed: Who[] };
const c = <A extends PolicyAction>(action: A, scope: string, subject: PolicySubjects[A], allowed: Who[]): Case<A> => ({
  action,
  scope,
  subject,
  allowed,
});

const viewers: Who[] = ['SuperAdmin', 'DCAdmin', 'ImageAdmin', 'ImageImportAdmin', 'ImportElsewhere'];
const imageAdmins: Who[] = ['SuperAdmin', 'ImageAdmin', 'ImageImportAdmin', 'ImportElsewhere'];
const superOnly: Who[] = ['SuperAdmin'];
const publicGlobal = { dcBoundId: null, access: 'public' } as const;
const privateGlobal = { dcBoundId: null, access: 'private' } as const;
const boundOwn = { dcBoundId: OWN, access: 'private' } as const;
const boundOther = { dcBoundId: OTHER, access: 'public' } as const;

const CASES: Case<PolicyAction>[] = [
  c('datacenter.view', 'own DC', { dataCenterId: OWN }, viewers),
  c('datacenter.view', 'other DC', { dataCenterId: OTHER }, superOnly),

  c('image.view', 'image bound to own DC', { image: boundOwn, attachedDataCenterIds: [OWN] }, viewers),
  c(
    'image.view',
    'global image attached to own DC',
    { image: publicGlobal, attachedDataCenterIds: [OTHER, OWN] },
    viewers,
  ),
  c(
    'image.view',
    'global image not attached to own DC',
    { image: publicGlobal, attachedDataCenterIds: [OTHER] },
    superOnly,
  ),
  c('image.view', 'image bound to other DC', { image: boundOther, attachedDataCenterIds: [OTHER] }, superOnly),

  c('image.manage', 'image bound to own DC', { image: boundOwn }, imageAdmins),
  c('image.manage', 'image bound to other DC', { image: boundOther }, superOnly),
  c('image.manage', 'global image', { image: publicGlobal }, superOnly),

  c('image.attach', 'public global image, own DC', { image: publicGlobal, dataCenterId: OWN }, imageAdmins),
  c('image.attach', 'private global image, own DC', { image: privateGlobal, dataCenterId: OWN }, superOnly),
  c('image.attach', 'image bound to own DC, own DC', { image: boundOwn, dataCenterId: OWN }, imageAdmins),
  c('image.attach', 'image bound to own DC, other DC', { image: boundOwn, dataCenterId: OTHER }, superOnly),
  c('image.attach', 'public global image, other DC', { image: publicGlobal, dataCenterId: OTHER }, superOnly),

  c('node.install', 'own DC, image attached', { dataCenterId: OWN, imageAttached: true }, imageAdmins),
  c('node.install', 'own DC, image not attached', { dataCenterId: OWN, imageAttached: false }, superOnly),
  c('node.install', 'other DC, image attached', { dataCenterId: OTHER, imageAttached: true }, superOnly),

  c('image.import', 'own DC', { dataCenterId: OWN }, ['SuperAdmin', 'ImageImportAdmin']),
  c('image.import', 'other DC', { dataCenterId: OTHER }, superOnly),

  c('repository.browse', 'grants on own DC', { dataCenterIds: [OWN] }, ['SuperAdmin', 'ImageImportAdmin']),
  c('repository.browse', 'grants on other DC only', { dataCenterIds: [OTHER] }, superOnly),
  c('repository.manage', 'global', {}, superOnly),

  c(
    'image.publish',
    'image bound to own DC, account bound to own DC',
    { image: boundOwn, accountDataCenterId: OWN },
    imageAdmins,
  ),
  c(
    'image.publish',
    'image bound to own DC, unbound account',
    { image: boundOwn, accountDataCenterId: null },
    superOnly,
  ),
  c(
    'image.publish',
    'image bound to own DC, account of other DC',
    { image: boundOwn, accountDataCenterId: OTHER },
    superOnly,
  ),
  c(
    'image.publish',
    'image bound to other DC, its account',
    { image: boundOther, accountDataCenterId: OTHER },
    superOnly,
  ),
  c('image.publish', 'global image, unbound account', { image: publicGlobal, accountDataCenterId: null }, superOnly),
  c('cloud.manage', 'global', {}, superOnly),

  c('infrastructure.manage', 'global', {}, superOnly),
  c('users.manage', 'global', {}, superOnly),

  c('audit.view', 'own DC', { dataCenterId: OWN }, ['SuperAdmin', 'DCAdmin']),
  c('audit.view', 'other DC', { dataCenterId: OTHER }, superOnly),
  c('audit.view', 'global events', { dataCenterId: null }, superOnly),
];

describe('policy matrix', () => {
  const rows = CASES.flatMap((k) =>
    (Object.keys(USERS) as Who[]).map((who) => ({ ...k, who, expected: k.allowed.includes(who) })),
  );

  it.each(rows)('$action on $scope: $who → $expected', ({ action, subject, who, expected }) => {
    expect(can(USERS[who], action, subject as never)).toBe(expected);
  });

  it('covers every action of the matrix', () => {
    const covered = new Set(CASES.map((k) => k.action));
    expect([...covered].sort()).toEqual(Object.keys(POLICY_MATRIX).sort());
  });

  it('refuses anonymous callers everything', () => {
    for (const k of CASES) expect(can(null, k.action, k.subject as never)).toBe(false);
  });
});
