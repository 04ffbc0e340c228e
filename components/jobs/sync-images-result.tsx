import { StatusBadge } from '@/components/ui/status-badge';
import { TextLink } from '@/components/ui/text-link';
import { formatBytes } from '@/lib/format';
import { registerImageHref, type NodeSyncReport, type SyncImagesResult } from '@/lib/sync/result';

/** What a Sync Available Images job found, node by node: found, missing, failed, unknown, unreadable. */
export function SyncImagesResultView({ result }: { result: SyncImagesResult }) {
  return (
    <section aria-labelledby="sync-result-heading" className="space-y-4">
      <h2 id="sync-result-heading" className="text-lg font-semibold">
        Result{result.verify ? ', checksums verified' : ''}
      </h2>
      {result.nodes.length === 0 && (
        <p className="text-sm text-slate-600">The data center had no enabled node to sync.</p>
      )}
      {result.nodes.map((node) => (
        <NodeReport key={node.nodeId} node={node} />
      ))}
    </section>
  );
}

function NodeReport({ node }: { node: NodeSyncReport }) {
  const headingId = `sync-node-${node.nodeId}`;
  return (
    <article
      aria-labelledby={headingId}
      data-testid={`sync-node-${node.nodeName}`}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h3 id={headingId} className="font-semibold">
        <TextLink href={`/nodes/${node.nodeId}`}>{node.nodeName}</TextLink>
        {!node.error && (
          <span className="ml-2 text-sm font-normal text-slate-600" data-testid="sync-counts">
            {node.found.length} found, {node.missing.length} missing, {node.failed.length} failed, {node.unknown.length}{' '}
            unknown
          </span>
        )}
      </h3>
      {node.error ? (
        <p className="mt-2 text-sm text-red-700">Not synced: {node.error}</p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm">
          {node.found.map((f) => (
            <li key={`found-${f.imageId}`} data-testid={`sync-found-${f.imageName}`}>
              <StatusBadge status="installed" /> <TextLink href={`/images/${f.imageId}`}>{f.imageName}</TextLink> ·{' '}
              {f.fileName}, {formatBytes(f.sizeBytes)}
              {f.added && ' · recorded now, not offered until an admin makes it available'}
              {f.verified && ' · checksum verified'}
            </li>
          ))}
          {node.missing.map((m) => (
            <li key={`missing-${m.imageId}`} data-testid={`sync-missing-${m.imageName}`}>
              <StatusBadge status="missing" /> <TextLink href={`/images/${m.imageId}`}>{m.imageName}</TextLink> ·{' '}
              {m.path} is gone
            </li>
          ))}
          {node.failed.map((f) => (
            <li key={`failed-${f.imageId}`} data-testid={`sync-failed-${f.imageName}`}>
              <StatusBadge status="failed" /> <TextLink href={`/images/${f.imageId}`}>{f.imageName}</TextLink> ·{' '}
              {f.fileName}: {f.reason}
            </li>
          ))}
          {node.unknown.map((u) => (
            <li key={`unknown-${u.fileName}`} data-testid={`sync-unknown-${u.name}`}>
              <StatusBadge status="unknown" /> {u.name} {u.version} ({u.diskFormat}, {formatBytes(u.sizeBytes)}) in{' '}
              {u.fileName}
              {u.filePresent ? '' : ' (its file is not there)'} · not known to the portal ·{' '}
              <TextLink href={registerImageHref(u)}>Register as new image</TextLink>
            </li>
          ))}
          {node.unreadable.map((u) => (
            <li key={`unreadable-${u.fileName}`}>
              <StatusBadge status="unreadable" /> {u.fileName}: {u.reason}
            </li>
          ))}
          {node.found.length +
            node.missing.length +
            node.failed.length +
            node.unknown.length +
            node.unreadable.length ===
            0 && <li className="text-slate-600">No image files or records on this node.</li>}
        </ul>
      )}
    </article>
  );
}
