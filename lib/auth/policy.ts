/**
 * The role matrix, in one place. Every page, server action and route asks `can` or
 * `authorize` here; nothing else decides who may do what.
 *
 * The matrix is data: for each action, which roles may do it and under which condition on the
 * subject. SuperAdmins may do everything. A role counts only on the data centers it was granted on,
 * and ImageImportAdmin counts only together with ImageAdmin on the same data center.
 */
import type { AccessLevel, Role } from '@/lib/db/enums';
import { ForbiddenError } from '@/lib/errors';

export type Grant = { dataCenterId: string; role: Role };

export type UserContext = {
  id: string;
  username: string;
  name: string;
  isSuperAdmin: boolean;
  grants: readonly Grant[];
};

/** What the policy needs to know about an image. */
export type ImageScope = { dcBoundId: string | null; access: AccessLevel };

/** The subject each action is asked about. */
export type PolicySubjects = {
  /** View a data center and what is in it: nodes, sizes, availability, jobs. */
  'datacenter.view': { dataCenterId: string };
  /** View an image: it is bound to, or attached to, one of these data centers. */
  'image.view': { image: ImageScope; attachedDataCenterIds: readonly string[] };
  /** Create, edit, enable, disable or delete an image. */
  'image.manage': { image: ImageScope };
  /** Attach an image to, or detach it from, a data center. */
  'image.attach': { image: ImageScope; dataCenterId: string };
  /** Set Image Availability on a node and install there. */
  'node.install': { dataCenterId: string; imageAttached: boolean };
  /** Import an image from a remote IMGAPI repository into a data center. */
  'image.import': { dataCenterId: string };
  /** Browse and refresh the remote IMGAPI repositories: whoever may import into any of these data centers. */
  'repository.browse': { dataCenterIds: readonly string[] };
  /** Add, change and remove remote IMGAPI repositories. */
  'repository.manage': Record<string, never>;
  /**
   * Publish an image to a cloud account: the image's binding and the account's binding (null for
   * a global image or an unbound account).
   */
  'image.publish': { image: ImageScope; accountDataCenterId: string | null };
  /** Add, change, test and remove cloud accounts. */
  'cloud.manage': Record<string, never>;
  /** Data centers, nodes, credentials, sizes and the sync actions. */
  'infrastructure.manage': Record<string, never>;
  /** Users and role grants. */
  'users.manage': Record<string, never>;
  /** Read the audit log; `dataCenterId` null means events not tied to one data center. */
  'audit.view': { dataCenterId: string | null };
};

export type PolicyAction = keyof PolicySubjects;

/** `holds(dc)`: whether the user holds the entry's role on that data center. */
type Holds = (dataCenterId: string | null) => boolean;
type RoleEntry<A extends PolicyAction> = { rule: (subject: PolicySubjects[A], holds: Holds) => boolean; scope: string };
type MatrixRow<A extends PolicyAction> = {
  /** Completes "You may not …" and labels the row in the access matrix view. */
  label: string;
  roles: Partial<Record<Role, RoleEntry<A>>>;
};

const ownDataCenter = {
  rule: (s: { dataCenterId: string }, holds: Holds) => holds(s.dataCenterId),
  scope: 'own data centers',
};

const imageOnOwnDataCenter: RoleEntry<'image.view'> = {
  rule: (s, holds) => holds(s.image.dcBoundId) || s.attachedDataCenterIds.some(holds),
  scope: 'images bound or attached to own data centers',
};

export const POLICY_MATRIX: { [A in PolicyAction]: MatrixRow<A> } = {
  'datacenter.view': {
    label: 'view this data center, its nodes, sizes, availability and jobs',
    roles: { DCAdmin: ownDataCenter, ImageAdmin: ownDataCenter, ImageImportAdmin: ownDataCenter },
  },
  'image.view': {
    label: 'view this image',
    roles: { DCAdmin: imageOnOwnDataCenter, ImageAdmin: imageOnOwnDataCenter, ImageImportAdmin: imageOnOwnDataCenter },
  },
  'image.manage': {
    label: 'create, edit, enable, disable or delete this image',
    roles: { ImageAdmin: { rule: (s, holds) => holds(s.image.dcBoundId), scope: 'images bound to own data centers' } },
  },
  'image.attach': {
    label: 'attach or detach this image on this data center',
    roles: {
      ImageAdmin: {
        rule: (s, holds) =>
          holds(s.dataCenterId) &&
          (s.image.dcBoundId === null ? s.image.access === 'public' : s.image.dcBoundId === s.dataCenterId),
        scope: 'public images and images bound to own data centers, on own data centers',
      },
    },
  },
  'node.install': {
    label: 'change the images installed on this node',
    roles: {
      ImageAdmin: {
        rule: (s, holds) => holds(s.dataCenterId) && s.imageAttached,
        scope: 'nodes of own data centers, images attached there',
      },
    },
  },
  'image.import': {
    label: 'import images into this data center',
    roles: {
      ImageImportAdmin: { ...ownDataCenter, scope: 'own data centers; the import is bound to that data center' },
    },
  },
  'repository.browse': {
    label: 'browse or refresh image repositories',
    roles: {
      ImageImportAdmin: {
        rule: (s, holds) => s.dataCenterIds.some(holds),
        scope: 'all repositories, to import into own data centers',
      },
    },
  },
  'image.publish': {
    label: 'publish this image to this cloud account',
    roles: {
      ImageAdmin: {
        rule: (s, holds) => holds(s.image.dcBoundId) && s.accountDataCenterId === s.image.dcBoundId,
        scope: 'images bound to own data centers, to accounts bound to the same data center',
      },
    },
  },
  'cloud.manage': { label: 'add, change, test or remove cloud accounts', roles: {} },
  'repository.manage': { label: 'add, change or remove image repositories', roles: {} },
  'infrastructure.manage': { label: 'manage data centers, nodes, credentials and sizes', roles: {} },
  'users.manage': { label: 'manage users and role grants', roles: {} },
  'audit.view': {
    label: 'read this audit log',
    roles: { DCAdmin: { rule: (s, holds) => holds(s.dataCenterId), scope: 'events of own data centers' } },
  },
};

/** The roles that take effect on a data center: ImageImportAdmin needs ImageAdmin beside it. */
export function effectiveRoles(user: UserContext, dataCenterId: string | null): Set<Role> {
  const held = new Set<Role>();
  if (dataCenterId === null) return held;
  for (const g of user.grants) if (g.dataCenterId === dataCenterId) held.add(g.role);
  if (!held.has('ImageAdmin')) held.delete('ImageImportAdmin');
  return held;
}

export function can<A extends PolicyAction>(user: UserContext | null, action: A, subject: PolicySubjects[A]): boolean {
  if (!user) return false;
  if (user.isSuperAdmin) return true;
  const roles: MatrixRow<A>['roles'] = POLICY_MATRIX[action].roles;
  return (Object.entries(roles) as [Role, RoleEntry<A>][]).some(([role, entry]) =>
    entry.rule(subject, (dc) => effectiveRoles(user, dc).has(role)),
  );
}

/** Throws a ForbiddenError with a message the user can act on when `can` says no. */
export function authorize<A extends PolicyAction>(
  user: UserContext | null,
  action: A,
  subject: PolicySubjects[A],
): void {
  if (can(user, action, subject)) return;
  throw new ForbiddenError(
    user
      ? `You may not ${POLICY_MATRIX[action].label}. Ask a SuperAdmin for the role you need.`
      : 'You must sign in first.',
  );
}

/** Data centers on which the user holds any effective role; null for SuperAdmins, who see all. */
export function visibleDataCenterIds(user: UserContext): string[] | null {
  if (user.isSuperAdmin) return null;
  return [...new Set(user.grants.map((g) => g.dataCenterId))].filter((dc) => effectiveRoles(user, dc).size > 0);
}

/** The subject of `repository.browse` for this user: every data center they hold a grant on. */
export function repositoryBrowseSubject(user: UserContext): PolicySubjects['repository.browse'] {
  return { dataCenterIds: [...new Set(user.grants.map((g) => g.dataCenterId))] };
}

/** Data centers this user may import into; null for SuperAdmins, who may import anywhere or globally. */
export function importDataCenterIds(user: UserContext): string[] | null {
  if (user.isSuperAdmin) return null;
  return repositoryBrowseSubject(user).dataCenterIds.filter((dataCenterId) =>
    can(user, 'image.import', { dataCenterId }),
  );
}
