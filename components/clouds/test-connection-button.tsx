'use client';

import { Button } from '@/components/ui/button';
import { useServerAction } from '@/components/ui/use-server-action';
import { testCloudAccountAction } from '@/lib/clouds/actions';
import { notify } from '@/components/ui/notify';

/** Tries the account's credentials now; the outcome is said in a toast and kept on the page. */
export function TestConnectionButton({ account }: { account: { id: string; name: string } }) {
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  return (
    <Button
      variant="secondary"
      disabled={pending}
      aria-busy={pending}
      onClick={() =>
        run(testCloudAccountAction, { accountId: account.id }, (result) => {
          if (!result.ok) notify(`${account.name}: ${result.message}`, 'error');
          return result.ok ? `${account.name}: connected.` : `${account.name}: the connection test failed.`;
        })
      }
    >
      {pending ? 'Testing…' : 'Test connection'}
    </Button>
  );
}
