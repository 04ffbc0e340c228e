import type { ComboboxMatches } from '@/components/ui/combobox';
import { respondWithView } from '@/lib/api/view-response';
import { searchImagesForMachine } from '@/lib/machines/queries';
import { getNodeDetails } from '@/lib/nodes/queries';

/**
 * Node Details' Record machine image search: at most a page of the images a machine may run whose
 * name or alias contains `q`. 404 for a user who may not record machines on the node.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const query = new URL(request.url).searchParams.get('q') ?? '';
  return respondWithView(async (user): Promise<ComboboxMatches | null> => {
    const found = (await getNodeDetails(user, id)) && (await searchImagesForMachine(user, query));
    if (!found) return null;
    return {
      options: found.images.map((image) => ({ value: image.id, label: `${image.name} (${image.version})` })),
      more: found.more,
    };
  }, 'node');
}
