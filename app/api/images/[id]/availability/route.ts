import { respondWithView } from '@/lib/api/view-response';
import { getImageAvailability, withSharedLocks } from '@/lib/availability/queries';

/** The Image Availability rows, polled by that page so states and progress change without a reload. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return respondWithView(async (user) => {
    const availability = await getImageAvailability(user, id);
    return availability && withSharedLocks(availability);
  }, 'image');
}
