import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { OwnRepositoryNote } from '@/components/repositories/own-repository-note';
import { RepositoriesTable } from '@/components/repositories/repositories-table';
import { RepositoryForm } from '@/components/repositories/repository-form';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { RefreshWhile } from '@/components/ui/refresh-while';
import { can, repositoryBrowseSubject } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { importsUnderWay } from '@/lib/images/listing';
import { ownImgapiUrl } from '@/lib/imgapi/serve/own-url';
import { listRepositories } from '@/lib/repositories/queries';
import { MAX_REPOSITORIES } from '@/lib/repositories/schemas';

export const metadata: Metadata = { title: 'Image repositories' };

export default async function RepositoriesPage() {
  const user = await requireUser();
  if (!can(user, 'repository.browse', repositoryBrowseSubject(user))) notFound();
  const repositories = await listRepositories(user);
  const manageable = can(user, 'repository.manage', {});
  return (
    <>
      <PageHeader
        title="Image repositories"
        description="Remote IMGAPI repositories to import images from, such as another portal's /imgapi. Refresh one to read its images, then open it to browse and import."
      />
      <OwnRepositoryNote serving={getConfig().imgapi.serve} url={await ownImgapiUrl()} />
      <Section title="Repositories">
        <RepositoriesTable repositories={repositories} manageable={manageable} />
        {/* An import that ends (or fails, keeping its error on the row) changes this list. */}
        <RefreshWhile active={await importsUnderWay(user)} />
      </Section>
      {manageable && (
        <Section title="Add a repository">
          <Card>
            {repositories.length >= MAX_REPOSITORIES ? (
              <p className="text-sm text-slate-600">
                The portal keeps at most {MAX_REPOSITORIES} repositories; remove one to add another.
              </p>
            ) : (
              <RepositoryForm />
            )}
          </Card>
        </Section>
      )}
    </>
  );
}
