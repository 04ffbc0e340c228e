import { Section } from '@/components/ui/layout';
import type { PlacementDataCenter } from '@/lib/availability/placement';
import { isJobActive } from '@/lib/db/enums';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { DataCenterPlacement } from './data-center-placement';

/**
 * Image Details' one view of where the image may be and is: each data center, attached or not,
 * with its nodes beneath. Attach, detach, install and remove are all done here; the Image
 * Availability page remains the form for many nodes at once.
 */
export function PlacementSection({
  image,
  dataCenters,
}: {
  image: { id: string; name: string; status: string; access: string };
  dataCenters: PlacementDataCenter[];
}) {
  const blocked = imageNotInstallable(image);
  const moving = dataCenters.some((dc) => dc.placed.some((node) => isJobActive(node.lastJob?.status)));
  return (
    <Section title="Placement">
      <LiveRefresh active={moving} />
      {blocked && (
        <p className="mb-3 text-sm text-slate-700" data-testid="install-blocked">
          {blocked}
        </p>
      )}
      {dataCenters.length === 0 ? (
        <p className="text-sm text-slate-600">There is no data center this image could be placed in for you.</p>
      ) : (
        <div className="space-y-4">
          {dataCenters.map((dc) => (
            <DataCenterPlacement key={dc.dataCenterId} image={image} dataCenter={dc} installable={!blocked} />
          ))}
        </div>
      )}
    </Section>
  );
}

/** For the image's own state, what the admin can do about it; null while it may be installed. */
function imageNotInstallable(image: { status: string; access: string }): string | null {
  if (image.access === 'deleted') return 'A deleted image cannot be installed; restore it first.';
  if (image.status === 'disabled') return 'A disabled image cannot be installed; enable it first.';
  if (image.status !== 'ok' && image.status !== 'unverified') return `A ${image.status} image cannot be installed.`;
  return null;
}
