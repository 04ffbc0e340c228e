import { Table, Td } from '@/components/ui/table';
import { ROLES } from '@/lib/db/enums';
import { accessMatrixRows, IMPORT_ROLE_NOTE, SUPERADMIN_SCOPE } from '@/lib/users/access-matrix';

/** What each role may do, row by row from lib/auth/policy.ts's POLICY_MATRIX: never a hand-kept copy. */
export function AccessMatrixTable() {
  const rows = accessMatrixRows();
  return (
    <>
      <Table
        caption="What each role may do"
        columns={['Action', 'SuperAdmin', ...ROLES]}
        isEmpty={rows.length === 0}
        empty="The policy has no actions."
      >
        {rows.map((row) => (
          <tr key={row.action} data-action={row.action}>
            <Td>
              <span className="first-letter:uppercase">{row.label}</span>
              <span className="block font-mono text-xs text-slate-500">{row.action}</span>
            </Td>
            <Td className="text-slate-600">{SUPERADMIN_SCOPE}</Td>
            {ROLES.map((role) => (
              <Td key={role}>{row.scopes[role] ?? <span aria-label="not allowed">—</span>}</Td>
            ))}
          </tr>
        ))}
      </Table>
      <p className="mt-2 text-sm text-slate-600">ImageImportAdmin: {IMPORT_ROLE_NOTE}</p>
    </>
  );
}
