import type { ComboboxMatches } from '@/components/ui/combobox';
import { respondWithView } from '@/lib/api/view-response';
import { mayAttachImagesTo, searchAttachableImages } from '@/lib/locations/attached-images';
import { getDataCenter } from '@/lib/locations/queries';
import type { AttachOption } from '@/lib/locations/schemas';

/**
 * Location Details' Attach image search: at most a page of the images this user may attach to the
 * data center whose name or alias contains `q`. 404 for a user who may not attach images there.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const query = new URL(request.url).searchParams.get('q') ?? '';
  return respondWithView(async (user): Promise<ComboboxMatches<AttachOption> | null> => {
    if (!(await getDataCenter(user, id)) || !mayAttachImagesTo(user, id)) return null;
    const { images, more } = await searchAttachableImages(user, id, query);
    return {
      options: images.map((image) => ({
        value: image.id,
        name: image.name,
        label: `${image.name} (${image.version})${image.access === 'public' ? '' : `, ${image.access}`}`,
      })),
      more,
    };
  }, 'data center');
}
