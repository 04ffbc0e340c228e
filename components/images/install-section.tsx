import { Card, Section } from '@/components/ui/layout';
import { InstallForm } from './install-form';

/** A node the user may install this image on, with installRefusal's answer for it (null: it may go there). */
export type InstallCandidate = { id: string; name: string; dataCenterName: string; refusal: string | null };

/**
 * Image Details' "Install on a node": the form offers the nodes that installRefusal accepts, so the
 * page and the install itself follow one rule. When it accepts none, the section says why; users
 * with no node to offer see it only when `shownWhenEmpty` (SuperAdmins, who may install anywhere).
 */
export function InstallSection({
  image,
  candidates,
  shownWhenEmpty,
}: {
  image: { id: string; status: string; access: string };
  candidates: InstallCandidate[];
  shownWhenEmpty: boolean;
}) {
  const targets = candidates.filter((candidate) => candidate.refusal === null);
  const refusal = targets.length === 0 ? candidates.find((candidate) => candidate.refusal)?.refusal : null;
  if (targets.length === 0 && !shownWhenEmpty) return null;
  return (
    <Section title="Install on a node">
      <Card>
        {refusal ? (
          <p className="text-sm text-slate-700" data-testid="install-blocked">
            {nextStep(image) ?? refusal}
          </p>
        ) : (
          <InstallForm imageId={image.id} targets={targets} />
        )}
      </Card>
    </Section>
  );
}

/** For the image's own state, what the admin can do about it here; null leaves installRefusal's words. */
function nextStep(image: { status: string; access: string }): string | null {
  if (image.access === 'deleted') return 'A deleted image cannot be installed; restore it first.';
  if (image.status === 'disabled') return 'A disabled image cannot be installed; enable it first.';
  if (image.status !== 'ok') return `A ${image.status} image cannot be installed.`;
  return null;
}
