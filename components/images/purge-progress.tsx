import { Card, Section } from '@/components/ui/layout';
import { formatDateTime } from '@/lib/format';
import type { ImageRow, listNodesWithImage } from '@/lib/images/queries';
import { PurgeImage } from './purge-image';

/**
 * An image waiting for its permanent delete: which nodes still hold its file, and, when no removal
 * is under way any more (a node was down), a way to try again.
 */
export function PurgeProgress({
  image,
  nodes,
  mayRetry,
}: {
  image: ImageRow;
  nodes: Awaited<ReturnType<typeof listNodesWithImage>>;
  mayRetry: boolean;
}) {
  const removing = nodes.filter((n) => n.state === 'removing' || n.state === 'installing').length;
  const stuck = nodes.length - removing;
  return (
    <Section title="Being deleted permanently">
      <Card>
        <div role="status" className="space-y-3 text-sm text-slate-700" data-testid="purge-progress">
          <p>
            A permanent delete was requested {formatDateTime(image.purgeRequestedAt)}. The image disappears once its
            file is gone from every node;{' '}
            {removing > 0
              ? `${removing} removal${removing > 1 ? 's are' : ' is'} under way.`
              : 'no removal is under way.'}
          </p>
          {stuck > 0 && (
            <p className="text-amber-800">
              {stuck} node{stuck > 1 ? 's' : ''} still hold{stuck > 1 ? '' : 's'} the file and no job is removing it
              (see the last job below, e.g. a node that was unreachable). Retry once the node is back.
            </p>
          )}
          {stuck > 0 && removing === 0 && mayRetry && (
            <PurgeImage image={{ id: image.id, name: image.name }} label="Retry permanent delete…" />
          )}
        </div>
      </Card>
    </Section>
  );
}
