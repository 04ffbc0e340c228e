'use client';

import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { SelectField, TextAreaField, TextField } from '@/components/ui/form';

export type KeySource = 'paste' | 'generate' | 'stored';
/** A key the portal holds for this registration: made here (provisional, with its public half if generated) or chosen from Credentials. */
export type StoredKey = { credentialId: string; publicKey?: string; provisional: boolean };

const SOURCES: { value: KeySource; label: string }[] = [
  { value: 'paste', label: 'Paste a private key' },
  { value: 'generate', label: 'Generate an ed25519 key pair' },
  { value: 'stored', label: 'Use a key from Credentials' },
];

type Props = {
  source: KeySource;
  onSource: (source: KeySource) => void;
  credentials: { id: string; name: string }[];
  chosenId: string;
  onChoose: (id: string) => void;
  privateKey: string;
  onPrivateKey: (key: string) => void;
  passphrase: string;
  onPassphrase: (passphrase: string) => void;
  onGenerate: () => void;
  pending: boolean;
  errors: (field: string) => string[] | undefined;
};

/** The SSH key of a registration: pasted, generated in the portal, or one of Credentials. */
export function RegistrationKeyFields(props: Props) {
  const sources = props.credentials.length > 0 ? SOURCES : SOURCES.filter((s) => s.value !== 'stored');
  return (
    <>
      <div role="radiogroup" aria-label="Where the SSH key comes from" className="flex flex-wrap gap-4 text-sm">
        {sources.map((source) => (
          <label key={source.value} className="flex items-center gap-2">
            <input
              type="radio"
              name="keySource"
              checked={props.source === source.value}
              onChange={() => props.onSource(source.value)}
            />
            {source.label}
          </label>
        ))}
      </div>
      {props.source === 'paste' && (
        <>
          <TextAreaField
            name="privateKey"
            label="Private key"
            rows={6}
            value={props.privateKey}
            onChange={(e) => props.onPrivateKey(e.target.value)}
            errors={props.errors('privateKey')}
            placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            hint="Stored encrypted; it is never shown again."
            autoComplete="off"
            spellCheck={false}
          />
          <TextField
            name="passphrase"
            label="Passphrase (if the key is encrypted)"
            type="password"
            value={props.passphrase}
            onChange={(e) => props.onPassphrase(e.target.value)}
            errors={props.errors('passphrase')}
            autoComplete="off"
          />
        </>
      )}
      {props.source === 'generate' && (
        <Button variant="secondary" onClick={props.onGenerate} disabled={props.pending}>
          Generate key pair
        </Button>
      )}
      {props.source === 'stored' && (
        <SelectField
          name="credentialId"
          label="SSH key"
          options={props.credentials.map((c) => ({ value: c.id, label: c.name }))}
          value={props.chosenId}
          onChange={(e) => props.onChoose(e.target.value)}
          errors={props.errors('credentialId')}
          hint="A key stored under Credentials; its public half must be in the SSH user's authorized_keys."
        />
      )}
    </>
  );
}

export function StoredKeyNotice({ storedKey }: { storedKey: StoredKey }) {
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
