'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/actions/operation';
import {
  discardRegistrationKeyAction,
  generateRegistrationKeyAction,
  probeNodeAction,
  registerNodeAction,
} from '@/lib/nodes/actions';
import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form';
import { RegistrationKeyFields, StoredKeyNotice, type KeySource, type StoredKey } from './registration-key-fields';

const INITIAL_FIELDS = {
  name: '',
  host: '',
  port: '22',
  sshUser: 'root',
  imageDir: '/var/lib/cloud-broker/images',
  dcAddress: '',
};
type Fields = typeof INITIAL_FIELDS;

/**
 * Register a node in two steps: connect once and show the host key's fingerprint, then pin it once
 * the admin confirms. The private key is pasted here, generated on the server, or one of
 * Credentials; a generated one never reaches the browser, and a pasted one is sent once and then
 * referred to by id. A key made here stays provisional until the node is registered: Cancel deletes
 * it, and one left behind by a closed tab is deleted by the server after an hour.
 */
export function RegisterNodeWizard({
  dataCenterId,
  credentials,
}: {
  dataCenterId: string;
  /** The keys of Credentials, to choose one instead of making a new one. */
  credentials: { id: string; name: string }[];
}) {
  const router = useRouter();
  const [fields, setFields] = useState(INITIAL_FIELDS);
  const [keySource, setKeySource] = useState<KeySource>('paste');
  const [chosenId, setChosenId] = useState(credentials[0]?.id ?? '');
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
      const r = await generateRegistrationKeyAction(undefined, { name: fields.name || 'node key' });
      setResult(r);
      if (r.ok) setStoredKey({ credentialId: r.data.credentialId, publicKey: r.data.publicKey, provisional: true });
    });

  const probe = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const key = storedKey
        ? { credentialId: storedKey.credentialId }
        : keySource === 'stored'
          ? { credentialId: chosenId }
          : { privateKey, passphrase };
      const r = await probeNodeAction(undefined, { ...fields, dataCenterId, ...key });
      setResult(r);
      if (!r.ok) return;
      // A pasted key is stored now, provisionally; a chosen one is Credentials' own.
      setStoredKey((k) => k ?? { credentialId: r.data.credentialId, provisional: keySource !== 'stored' });
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

  // Leaving deletes the key this registration made, so an abandoned registration leaves none behind.
  const cancel = () =>
    startTransition(async () => {
      if (storedKey?.provisional)
        await discardRegistrationKeyAction(undefined, { credentialId: storedKey.credentialId });
      router.push(`/locations/${dataCenterId}`);
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
          <TextField
            name="dcAddress"
            label="Data-center address (optional)"
            value={fields.dcAddress}
            onChange={edit('dcAddress')}
            errors={errors('dcAddress')}
            hint="Where the other nodes of this data center reach this node's SSH, to copy images from it. Blank: the host."
          />
        </div>

        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800">SSH key</legend>
          {storedKey ? (
            <StoredKeyNotice storedKey={storedKey} />
          ) : (
            <RegistrationKeyFields
              source={keySource}
              onSource={setKeySource}
              credentials={credentials}
              chosenId={chosenId}
              onChoose={setChosenId}
              privateKey={privateKey}
              onPrivateKey={setPrivateKey}
              passphrase={passphrase}
              onPassphrase={setPassphrase}
              onGenerate={generateKey}
              pending={pending}
              errors={errors}
            />
          )}
        </fieldset>

        <div className="flex gap-2">
          {!fingerprint && (
            <Button type="submit" disabled={pending} aria-busy={pending}>
              {pending ? 'Connecting…' : 'Connect and show host key'}
            </Button>
          )}
          <Button variant="secondary" onClick={cancel} disabled={pending}>
            Cancel
          </Button>
        </div>
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
