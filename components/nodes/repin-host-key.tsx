'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { ActionError } from '@/components/ui/use-server-action';
import { readNodeHostKeyAction, repinNodeHostKeyAction } from '@/lib/nodes/actions';

type Read = { pinned: string; presented: string };

/**
 * Re-pin in two explicit steps: read the key the node presents now and show it beside the pinned
 * one, then pin exactly the fingerprint shown. The server reads the key again and refuses if it
 * changed in between.
 */
export function RepinHostKey({ nodeId }: { nodeId: string }) {
  const [read, setRead] = useState<Read | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const readKey = () =>
    startTransition(async () => {
      const r = await readNodeHostKeyAction(undefined, { nodeId });
      setDone(null);
      setError(r.ok ? null : r.error);
      setRead(r.ok ? r.data : null);
    });

  const pin = (fingerprint: string) =>
    startTransition(async () => {
      const r = await repinNodeHostKeyAction(undefined, { nodeId, fingerprint });
      setError(r.ok ? null : r.error);
      if (r.ok) {
        setRead(null);
        setDone(`Pinned ${r.data.newFingerprint}.`);
      }
    });

  return (
    <div className="mt-3 space-y-3">
      {!read && (
        <Button variant="secondary" onClick={readKey} disabled={pending} aria-busy={pending}>
          {pending ? 'Reading the host key…' : 'Re-pin host key'}
        </Button>
      )}
      {read && (
        <section aria-labelledby="repin-title" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
          <h3 id="repin-title" className="font-semibold">
            {read.presented === read.pinned
              ? 'The node presents the pinned host key'
              : 'The node presents a different host key'}
          </h3>
          <dl className="my-3 grid gap-2">
            <div>
              <dt className="font-medium text-slate-600">Pinned now</dt>
              <dd className="font-mono break-all" data-testid="pinned-fingerprint">
                {read.pinned}
              </dd>
            </div>
            <div>
              <dt className="font-medium text-slate-600">Presented by the node</dt>
              <dd className="font-mono break-all" data-testid="presented-fingerprint">
                {read.presented}
              </dd>
            </div>
          </dl>
          {read.presented === read.pinned ? (
            <p>Nothing to re-pin.</p>
          ) : (
            <p>
              Compare the new fingerprint with{' '}
              <code className="font-mono">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on the node. Pin it
              only if they match: from then on the old key is refused.
            </p>
          )}
          <div className="mt-3 flex gap-2">
            {read.presented !== read.pinned && (
              <Button onClick={() => pin(read.presented)} disabled={pending} aria-busy={pending}>
                {pending ? 'Pinning…' : 'Confirm and pin the new fingerprint'}
              </Button>
            )}
            <Button variant="secondary" onClick={() => setRead(null)} disabled={pending}>
              {read.presented === read.pinned ? 'Close' : 'Cancel'}
            </Button>
          </div>
        </section>
      )}
      <ActionError error={error} />
      {done && (
        <p role="status" className="text-sm text-emerald-800">
          {done}
        </p>
      )}
    </div>
  );
}
