'use client';

import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/actions/operation';
import { generateNodeKeyAction, probeNodeAction, registerNodeAction } from '@/lib/nodes/actions';
import { Button } from '@/components/ui/button';
import { FormError, TextAreaField, TextField } from '@/components/ui/form';
import { CopyButton } from '@/components/ui/copy-button';

const INITIAL_FIELDS = { name: '', host: '', port: '22', sshUser: 'root', imageDir: '/var/lib/cloud-broker/images' };
type Fields = typeof INITIAL_FIELDS;
type StoredKey = { credentialId: string; publicKey?: string };

/**
 * Register a node in two steps: connect once and show the host key's fingerprint, then pin it once
 * the admin confirms. The private key is pasted here or generated on the server; a generated one
 * never reaches the browser, and a pasted one is sent once and then referred to by id.
 */
export function RegisterNodeWizard({ dataCenterId }: { dataCenterId: string }) {
  const [fields, setFields] = useState(INITIAL_FIELDS);
  const [keySource, setKeySource] = useState<'paste' | 'generate'>('paste');
  const [privateKey, setPrivateKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [storedKey, setStoredKey] = useState<StoredKey | null>(null);
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [result, setResult] = useState<ActionResult | undefined>();
  const [pending, startTransition] = useTransition();
  const errors = (field: string) => (result && !result.ok ? result.fieldErrors?.[field] : undefined);

  const edit = (field: keyof Fields) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setFields((f) => ({ ...f, [field]: e.target.value }));
    setFingerprint(null); // a fingerprint belongs to the address it was read from
  };

  const generateKey = () =>
    startTransition(async () => {
      const r = await generateNodeKeyAction(undefined, { name: fields.name || 'node key' });
      setResult(r);
      if (r.ok) setStoredKey({ credentialId: r.data.credentialId, publicKey: r.data.publicKey });
    });

  const probe = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const key = storedKey ? { credentialId: storedKey.credentialId } : { privateKey, passphrase };
      const r = await probeNodeAction(undefined, { ...fields, dataCenterId, ...key });
      setResult(r);
      if (!r.ok) return;
      setStoredKey((k) => ({ ...k, credentialId: r.data.credentialId }));
      setPrivateKey('');
      setPassphrase('');
      setFingerprint(r.data.fingerprint);
    });
  };

  const register = () =>
    startTransition(async () => {
      setResult(
        await registerNodeAction(undefined, {
          ...fields,
          dataCenterId,
          credentialId: storedKey!.credentialId,
          hostKeyFingerprint: fingerprint!,
        }),
      );
    });

  return (
    <div className="space-y-6">
      <form onSubmit={probe} className="space-y-4" noValidate aria-label="Node connection">
        <FormError state={result} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="name"
            label="Node name"
            value={fields.name}
            onChange={edit('name')}
            errors={errors('name')}
            required
          />
          <TextField
            name="imageDir"
            label="Image directory"
            value={fields.imageDir}
            onChange={edit('imageDir')}
            errors={errors('imageDir')}
            hint="Absolute path on the node; every image file of this node lives under it."
          />
          <TextField
            name="host"
            label="Host"
            value={fields.host}
            onChange={edit('host')}
            errors={errors('host')}
            required
          />
          <TextField
            name="port"
            label="SSH port"
            inputMode="numeric"
            value={fields.port}
            onChange={edit('port')}
            errors={errors('port')}
          />
          <TextField
            name="sshUser"
            label="SSH user"
            value={fields.sshUser}
            onChange={edit('sshUser')}
            errors={errors('sshUser')}
          />
        </div>

        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800">SSH key</legend>
          {storedKey ? (
            <StoredKeyNotice storedKey={storedKey} />
          ) : (
            <>
              <div className="flex gap-4 text-sm">
                {(['paste', 'generate'] as const).map((source) => (
                  <label key={source} className="flex items-center gap-2">
                    <input
                      type="radio"
                      name="keySource"
                      checked={keySource === source}
                      onChange={() => setKeySource(source)}
                    />
                    {source === 'paste' ? 'Paste a private key' : 'Generate an ed25519 key pair'}
                  </label>
                ))}
              </div>
              {keySource === 'paste' ? (
                <>
                  <TextAreaField
                    name="privateKey"
                    label="Private key"
                    rows={6}
                    value={privateKey}
                    onChange={(e) => setPrivateKey(e.target.value)}
                    errors={errors('privateKey')}
                    placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                    hint="Stored encrypted; it is never shown again."
                    autoComplete="off"
                    spellCheck={false}
                  />
                  <TextField
                    name="passphrase"
                    label="Passphrase (if the key is encrypted)"
                    type="password"
                    value={passphrase}
                    onChange={(e) => setPassphrase(e.target.value)}
                    errors={errors('passphrase')}
                    autoComplete="off"
                  />
                </>
              ) : (
                <Button variant="secondary" onClick={generateKey} disabled={pending}>
                  Generate key pair
                </Button>
              )}
            </>
          )}
        </fieldset>

        {!fingerprint && (
          <Button type="submit" disabled={pending} aria-busy={pending}>
            {pending ? 'Connecting…' : 'Connect and show host key'}
          </Button>
        )}
      </form>

      {fingerprint && (
        <section aria-labelledby="confirm-host-key" className="rounded-lg border border-amber-300 bg-amber-50 p-4">
          <h2 id="confirm-host-key" className="font-semibold">
            Confirm the host key of {fields.host}:{fields.port}
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            The node presented this SHA256 fingerprint. Compare it with the output of{' '}
            <code className="font-mono">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on the node. Once
            confirmed it is pinned, and any other key is refused.
          </p>
          <p className="my-3 rounded bg-white px-3 py-2 font-mono text-sm break-all" data-testid="host-key-fingerprint">
            {fingerprint}
          </p>
          <div className="flex gap-2">
            <Button onClick={register} disabled={pending} aria-busy={pending}>
              {pending ? 'Registering…' : 'Confirm fingerprint and register'}
            </Button>
            <Button variant="secondary" onClick={() => setFingerprint(null)} disabled={pending}>
              Back
            </Button>
          </div>
        </section>
      )}
    </div>
  );
}

function StoredKeyNotice({ storedKey }: { storedKey: StoredKey }) {
  if (!storedKey.publicKey) {
    return <p className="text-sm text-slate-700">The private key is stored encrypted in the portal.</p>;
  }
  return (
    <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
      <p>
        Add this public key to <code className="font-mono">~/.ssh/authorized_keys</code> of the SSH user on the node,
        then connect.
      </p>
      <pre
        className="overflow-x-auto rounded bg-white p-2 font-mono text-xs whitespace-pre-wrap break-all"
        data-testid="generated-public-key"
      >
        {storedKey.publicKey}
      </pre>
      <CopyButton text={storedKey.publicKey} label="Copy public key" />
    </div>
  );
}
