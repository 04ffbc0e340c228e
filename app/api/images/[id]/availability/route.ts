import { respondWithView } from '@/lib/api/view-response';
import { getImageAvailability, pageParam, withSharedLocks } from '@/lib/availability/queries';

/** The Image Availability rows of one page (`?page=N`), polled by that page so states and progress change without a reload. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const page = pageParam(new URL(request.url).searchParams.get('page'));
  return respondWithView(async (user) => {
    const availability = await getImageAvailability(user, id, page);
    return availability && withSharedLocks(availability);
  }, 'image');
}
