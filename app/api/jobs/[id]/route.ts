import { respondWithView } from '@/lib/api/view-response';
import { getJobView } from '@/lib/jobs/queries';
import { toJobSnapshot } from '@/lib/jobs/snapshot';

/** Job progress and log, polled by the job page while the job runs. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return respondWithView(async (user) => {
    const view = await getJobView(user, id);
    return view && toJobSnapshot(view);
  }, 'job');
}
