'use client';

import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { createRepositoryAction, updateRepositoryAction } from '@/lib/repositories/actions';

type Existing = { id: string; name: string; url: string };

/** Adds a repository, or with `repository` changes one; a new URL drops the cached listing. */
export function RepositoryForm({ repository }: { repository?: Existing }) {
  const [state, formAction] = useActionNotice(repository ? updateRepositoryAction : createRepositoryAction, (input) =>
    repository
      ? `Changes to ${input.get('name')} saved.`
      : `Repository ${input.get('name')} added. Refresh it to read its images.`,
  );
  const { errors, value } = formFeedback(state);
  const idPrefix = repository ? `repository-${repository.id}` : 'new-repository';
  return (
    <form
      action={formAction}
      aria-label={repository ? `Change repository ${repository.name}` : 'Add a repository'}
      className="space-y-4"
    >
      {repository && <input type="hidden" name="repositoryId" value={repository.id} />}
      <TextField
        id={`${idPrefix}-name`}
        name="name"
        label="Name"
        required
        maxLength={64}
        defaultValue={value('name', repository?.name)}
        errors={errors('name')}
      />
      <TextField
        id={`${idPrefix}-url`}
        name="url"
        label="URL"
        type="url"
        required
        defaultValue={value('url', repository?.url)}
        errors={errors('url')}
        hint="The IMGAPI base URL; /images is read below it. Another portal's is http(s)://<portal>/imgapi."
      />
      <SubmitButton pendingText="Saving…">{repository ? 'Save changes' : 'Add repository'}</SubmitButton>
      <FormError state={state} fields={['name', 'url']} />
    </form>
  );
}
