import { IMPORT_ROLE_NOTE } from '@/lib/users/access-matrix';
import type { GrantView } from '@/lib/users/queries';

/** "DCAdmin on Rotterdam 1", one per line, with a note on grants the policy does not count. */
export function GrantList({ grants, showDataCenter = true }: { grants: GrantView[]; showDataCenter?: boolean }) {
  if (grants.length === 0) return <span className="text-slate-500">No roles</span>;
  return (
    <ul className="space-y-1">
      {grants.map((g) => (
        <li key={`${g.dataCenterId}-${g.role}`}>
          <span className="font-medium">{g.role}</span>
          {showDataCenter && <> on {g.dataCenterName}</>}
          {!g.effective && <span className="ml-2 text-xs text-amber-800">({IMPORT_ROLE_NOTE})</span>}
        </li>
      ))}
    </ul>
  );
}
