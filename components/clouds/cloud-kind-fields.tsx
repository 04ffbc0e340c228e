'use client';

import { useState } from 'react';
import { CheckboxField, SelectField, TextField } from '@/components/ui/form';
import type { CloudKind } from '@/lib/db/enums';
import { OPENSTACK_AUTH_METHODS, OPENSTACK_INTERFACES } from '@/lib/clouds/settings';

export const KIND_LABELS: Record<CloudKind, string> = {
  openstack: 'OpenStack (Glance)',
  s3: 'S3-compatible object storage',
  'azure-blob': 'Azure Blob storage',
};

export type AccountValues = {
  text: (field: string, fallback?: string) => string;
  checked: (field: string) => boolean;
  errors: (field: string) => string[] | undefined;
  /** Whether the account already holds this secret. */
  stored: (field: string) => boolean;
};

type Props = { kind: CloudKind; idPrefix: string; values: AccountValues };

/** The endpoint settings and credentials of one kind of cloud account. */
export function CloudKindFields({ kind, idPrefix, values }: Props) {
  if (kind === 'openstack') return <OpenstackFields idPrefix={idPrefix} values={values} />;
  if (kind === 's3') return <S3Fields idPrefix={idPrefix} values={values} />;
  return <AzureBlobFields idPrefix={idPrefix} values={values} />;
}

type FieldsProps = Omit<Props, 'kind'>;

function Text({
  idPrefix,
  values,
  name,
  label,
  ...rest
}: FieldsProps & { name: string; label: string; hint?: string; placeholder?: string; fallback?: string }) {
  const { fallback, ...input } = rest;
  return (
    <TextField
      id={`${idPrefix}-${name}`}
      name={name}
      label={label}
      defaultValue={values.text(name, fallback)}
      errors={values.errors(name)}
      {...input}
    />
  );
}

/** A secret: never shown; blank keeps the stored one. */
function Secret({ idPrefix, values, name, label }: FieldsProps & { name: string; label: string }) {
  const stored = values.stored(name);
  return (
    <TextField
      id={`${idPrefix}-${name}`}
      name={name}
      label={label}
      type="password"
      autoComplete="off"
      placeholder={stored ? '•••••••• stored' : undefined}
      errors={values.errors(name)}
      hint={
        stored
          ? 'Stored and never shown. Leave blank to keep it, or type a new one to replace it.'
          : 'Stored encrypted and never shown again.'
      }
    />
  );
}

function OpenstackFields({ idPrefix, values }: FieldsProps) {
  const [auth, setAuth] = useState(values.text('auth', 'password'));
  const p = { idPrefix, values };
  return (
    <>
      <SelectField
        id={`${idPrefix}-auth`}
        name="auth"
        label="Authentication"
        value={auth}
        onChange={(e) => setAuth(e.target.value)}
        options={OPENSTACK_AUTH_METHODS.map((m) => ({ value: m, label: AUTH_LABELS[m] }))}
        errors={values.errors('auth')}
      />
      {auth !== 'none' && (
        <Text {...p} name="authUrl" label="Keystone URL" placeholder="https://keystone.example.com:5000/v3" />
      )}
      {auth === 'password' && (
        <>
          <Text {...p} name="username" label="User name" />
          <Text {...p} name="userDomain" label="User domain" fallback="Default" />
          <Secret {...p} name="password" label="Password" />
        </>
      )}
      {auth === 'application-credential' && (
        <>
          <Text {...p} name="applicationCredentialId" label="Application credential id" />
          <Secret {...p} name="applicationCredentialSecret" label="Application credential secret" />
        </>
      )}
      {auth === 'password' && (
        <>
          <Text {...p} name="projectName" label="Project" />
          <Text {...p} name="projectDomain" label="Project domain" fallback="Default" />
        </>
      )}
      {auth !== 'none' && (
        <>
          <Text
            {...p}
            name="region"
            label="Region"
            placeholder="RegionOne"
            hint="Leave blank when the catalogue has one region."
          />
          <SelectField
            id={`${idPrefix}-interface`}
            name="interface"
            label="Interface"
            defaultValue={values.text('interface', 'public')}
            options={OPENSTACK_INTERFACES}
          />
        </>
      )}
      <Text
        {...p}
        name="imageUrl"
        label={auth === 'none' ? 'Image service URL' : 'Image service URL (optional)'}
        placeholder="https://glance.example.com:9292"
        hint={auth === 'none' ? 'A Glance that runs without Keystone.' : 'Overrides the catalogue’s image endpoint.'}
      />
      <SelectField
        id={`${idPrefix}-visibility`}
        name="visibility"
        label="Visibility of published images"
        defaultValue={values.text('visibility', 'private')}
        options={['private', 'shared', 'community', 'public']}
      />
      <CheckboxField
        id={`${idPrefix}-protected`}
        name="protected"
        label="Mark published images protected"
        defaultChecked={values.checked('protected')}
        hint="Glance then refuses to delete them until someone unprotects them there."
      />
    </>
  );
}

const AUTH_LABELS: Record<(typeof OPENSTACK_AUTH_METHODS)[number], string> = {
  password: 'Keystone: user name and password',
  'application-credential': 'Keystone: application credential',
  none: 'None: Glance without Keystone',
};

function S3Fields({ idPrefix, values }: FieldsProps) {
  const p = { idPrefix, values };
  return (
    <>
      <Text
        {...p}
        name="endpoint"
        label="Endpoint (optional)"
        placeholder="https://s3.example.com"
        hint="Leave blank for Amazon S3; set it for Ceph RGW, MinIO and the like."
      />
      <Text {...p} name="region" label="Region" fallback="us-east-1" />
      <Text {...p} name="bucket" label="Bucket" />
      <Text {...p} name="prefix" label="Key prefix (optional)" placeholder="images/" />
      <CheckboxField
        id={`${idPrefix}-forcePathStyle`}
        name="forcePathStyle"
        label="Path-style addressing"
        defaultChecked={values.checked('forcePathStyle')}
        hint="Most S3-compatible servers other than Amazon's need it."
      />
      <Text {...p} name="accessKeyId" label="Access key id" />
      <Secret {...p} name="secretAccessKey" label="Secret access key" />
    </>
  );
}

function AzureBlobFields({ idPrefix, values }: FieldsProps) {
  const [auth, setAuth] = useState(values.text('auth', 'sas'));
  const p = { idPrefix, values };
  return (
    <>
      <Text {...p} name="accountUrl" label="Account URL" placeholder="https://myaccount.blob.core.windows.net" />
      <Text {...p} name="container" label="Container" />
      <SelectField
        id={`${idPrefix}-azure-auth`}
        name="auth"
        label="Authentication"
        value={auth}
        onChange={(e) => setAuth(e.target.value)}
        options={[
          { value: 'sas', label: 'SAS token' },
          { value: 'shared-key', label: 'Shared key' },
        ]}
      />
      {auth === 'sas' ? (
        <Secret {...p} name="sasToken" label="SAS token" />
      ) : (
        <>
          <Text {...p} name="accountName" label="Storage account name" />
          <Secret {...p} name="accountKey" label="Account key" />
        </>
      )}
    </>
  );
}
