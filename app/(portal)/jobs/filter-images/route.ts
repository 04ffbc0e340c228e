import type { ComboboxMatches } from '@/components/ui/combobox';
import { respondWithView } from '@/lib/api/view-response';
import { jobFilterImageLabel, searchJobFilterImages } from '@/lib/jobs/queries';

/**
 * The Jobs page's Image filter search: at most a page of the images with a job this user may see
 * whose name or alias contains `q`. 401 without a session; a user who sees no job finds nothing.
 */
export async function GET(request: Request) {
  const query = new URL(request.url).searchParams.get('q') ?? '';
  return respondWithView(async (user): Promise<ComboboxMatches> => {
    const { images, more } = await searchJobFilterImages(user, query);
    return { options: images.map((image) => ({ value: image.id, label: jobFilterImageLabel(image) })), more };
  }, 'image');
}
