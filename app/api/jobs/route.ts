import { respondWithView } from '@/lib/api/view-response';
import { listActiveJobs } from '@/lib/jobs/queries';

/** The jobs in motion that the user may see, polled by the header's job indicator. */
export async function GET() {
  return respondWithView((user) => ({ jobs: listActiveJobs(user) }), 'jobs');
}
