import { StatusBadge } from '@/components/ui/status-badge';
import { formatDateTime } from '@/lib/format';

type Tested = { lastTestedAt: Date | null; lastTestError: string | null; lastSuccessAt: Date | null };

/** The last connection test in words: connected, failed with the reason, or never tried. */
export function ConnectionState({ account }: { account: Tested }) {
  if (!account.lastTestedAt) return <StatusBadge status="untested" label="not tested" />;
  return (
    <div className="space-y-1">
      {account.lastTestError ? (
        <>
          <StatusBadge status="failed" label="failed" />
          <p className="max-w-sm text-sm text-red-800">{account.lastTestError}</p>
        </>
      ) : (
        <StatusBadge status="connected" label="connected" />
      )}
      <p className="text-xs text-slate-500">
        Tested {formatDateTime(account.lastTestedAt)}
        {account.lastSuccessAt && account.lastTestError
          ? `; last success ${formatDateTime(account.lastSuccessAt)}`
          : ''}
      </p>
    </div>
  );
}
