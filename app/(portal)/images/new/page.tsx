import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CreateImageForm } from '@/components/images/create-image-form';
import { Card, PageHeader } from '@/components/ui/layout';
import { visibleDataCenterIds } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { bootImageChoices } from '@/lib/images/format-rules';
import { imageBindingChoices } from '@/lib/images/queries';

export const metadata: Metadata = { title: 'New image' };

/** Fields a link may prefill ("Register as new image" from a sync result); the server checks them on submit like any input. */
const PREFILLABLE = [
  'name',
  'alias',
  'version',
  'diskFormat',
  'containerFormat',
  'sha256',
  'md5',
  'sizeBytes',
] as const;

type SearchParams = Record<string, string | string[] | undefined>;

function prefillFrom(params: SearchParams): Record<string, string> {
  return Object.fromEntries(
    PREFILLABLE.flatMap((field) => {
      const value = params[field];
      return typeof value === 'string' && value.length <= 200 ? [[field, value]] : [];
    }),
  );
}

export default async function NewImagePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const initial = prefillFrom(await searchParams);
  const choices = await imageBindingChoices(user);
  const bindingOptions = [
    ...(choices.global ? [{ value: '', label: 'Global (all data centers it is attached to)' }] : []),
    ...choices.dataCenters.map((dc) => ({ value: dc.id, label: `Data center ${dc.name}` })),
  ];
  if (bindingOptions.length === 0) notFound();
  return (
    <>
      <PageHeader
        breadcrumb={[{ href: '/images', label: 'Images' }]}
        title="New image"
        description="Register an image that nodes download from a URL, or upload its file into the portal's image store."
      />
      <Card>
        <CreateImageForm
          bindingOptions={bindingOptions}
          bootImages={await bootImageChoices(visibleDataCenterIds(user))}
          initial={initial}
        />
      </Card>
    </>
  );
}
