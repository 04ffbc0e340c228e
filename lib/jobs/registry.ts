import 'server-only';
import type { JobKind } from '@/lib/db/enums';
import { installJob, uninstallJob } from '@/lib/install/jobs';
import { publishJob } from '@/lib/publish/job';
import { importJob } from '@/lib/repositories/import/job';
import { syncImagesJob, syncSizesJob } from '@/lib/sync/jobs';
import type { JobKindDefinition } from './kind';

/**
 * Every kind of job this portal runs, as its domain declared it. A Record over JobKind, so a kind
 * added to the enum without a definition here does not compile.
 */
const KINDS: { [K in JobKind]: JobKindDefinition<K> } = {
  install: installJob,
  uninstall: uninstallJob,
  import: importJob,
  'sync-images': syncImagesJob,
  'sync-sizes': syncSizesJob,
  publish: publishJob,
};

export function jobKindOf(kind: JobKind): JobKindDefinition {
  return KINDS[kind];
}
