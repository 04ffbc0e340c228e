import { respondWithView } from '@/lib/api/view-response';
import { listActiveJobs } from '@/lib/jobs/queries';

/** The jobs in motion that the user may see, polled by the header's job indicator. */
export async function GET() {
  return respondWithView(async (user) => ({ jobs: await listActiveJobs(user) }), 'jobs');
}
