/**
 * The access matrix view model, read from lib/auth/policy.ts's POLICY_MATRIX itself, so the page
 * cannot drift from what the policy enforces. Pure data; safe in client components.
 */
import { POLICY_MATRIX, type PolicyAction } from '@/lib/auth/policy';
import { ROLES, type Role } from '@/lib/db/enums';

export type AccessMatrixRow = {
  action: PolicyAction;
  /** Completes "may …", as the policy's refusals complete "You may not …". */
  label: string;
  /** For each role: the scope it may do this in, or null when it may not. */
  scopes: Record<Role, string | null>;
};

/** SuperAdmins pass every check of the policy (`can`), whatever the row says. */
export const SUPERADMIN_SCOPE = 'everything, everywhere';

/** Why a grant may not take effect; matches effectiveRoles in lib/auth/policy.ts. */
export const IMPORT_ROLE_NOTE = 'Has no effect without ImageAdmin on the same data center.';

export function accessMatrixRows(): AccessMatrixRow[] {
  return (Object.keys(POLICY_MATRIX) as PolicyAction[]).map((action) => {
    const roles: Partial<Record<Role, { scope: string }>> = POLICY_MATRIX[action].roles;
    return {
      action,
      label: POLICY_MATRIX[action].label,
      scopes: Object.fromEntries(ROLES.map((role) => [role, roles[role]?.scope ?? null])) as Record<
        Role,
        string | null
      >,
    };
  });
}
