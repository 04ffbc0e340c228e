import { respondWithView } from '@/lib/api/view-response';
import { getImageAvailability } from '@/lib/availability/queries';

/** The Image Availability rows, polled by that page so states and progress change without a reload. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return respondWithView((user) => getImageAvailability(user, id), 'image');
}
