import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { imageRepositories } from '@/lib/db/tables';

/** Shows a failure on the repository's row; a repository removed meanwhile is simply not updated. */
export async function recordRepositoryError(repositoryId: string, message: string): Promise<void> {
  await getDb().update(imageRepositories).set({ lastError: message }).where(eq(imageRepositories.id, repositoryId));
}
