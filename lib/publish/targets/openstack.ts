import 'server-only';
import type { OpenstackSecrets, OpenstackSettings } from '@/lib/clouds/settings';
import type { DiskFormat } from '@/lib/db/enums';
import { guardedAgents } from '@/lib/net/guarded-agents';
import {
  CloudError,
  type CloudTarget,
  type PublishedCopy,
  type PublishFile,
  type RemoteState,
  type VerifiedCopy,
} from '@/lib/publish/target';
import { openstackSession } from './openstack-auth';
import { glanceClient, type GlanceClient, type GlanceImage } from './openstack-glance';
import { glanceImageBody } from './openstack-metadata';

/**
 * OpenStack's Image service (Glance, API v2) as a publish target: Keystone v3 finds it and signs
 * the calls, or it is called directly when it runs without Keystone. Glance takes an image's data
 * in one PUT and computes its own MD5 and SHA-512, which verify() compares with ours.
 */

export type OpenstackTarget = CloudTarget & {
  /**
   * An active copy of our image `imageId` whose SHA-512 is `sha512`, if Glance has one: the kernel
   * and ramdisk a partition image links to are published once and found again this way.
   */
  findPublished(imageId: string, sha512: string, signal: AbortSignal): Promise<PublishedCopy | undefined>;
};

export function openstackTarget(settings: OpenstackSettings, secrets: OpenstackSecrets): OpenstackTarget {
  const agents = guardedAgents();
  const glance = glanceClient(openstackSession(settings, secrets, agents), agents);
  const copyOf = async (image: GlanceImage, signal: AbortSignal): Promise<PublishedCopy> => ({
    remoteId: image.id,
    remoteUrl: await glance.url(image.id, signal),
    state: { imageId: image.id },
  });

  return {
    kind: 'openstack',
    // Glance stores any format a hypervisor boots as it is.
    formatFor: (diskFormat: DiskFormat) => diskFormat,
    digests: ['sha512', 'md5'],

    async testConnection(signal) {
      // Logs in, finds the endpoint and reads one image: credentials, catalogue and Glance all answer.
      await glance.list({ limit: '1' }, signal, 1);
    },

    async upload(image, file, options) {
      const { signal, saveState, onProgress } = options;
      let remote = await previousImage(glance, options.previous, file, signal);
      if (remote?.status === 'active') {
        // An earlier attempt finished the upload and stopped before it was recorded: it is this very file.
        onProgress(file.sizeBytes);
      } else {
        if (!remote) {
          remote = await glance.create(glanceImageBody(image, file.diskFormat, settings, options.linked), signal);
          await saveState({ imageId: remote.id });
        }
        onProgress(0);
        await glance.upload(remote.id, file, onProgress, signal);
      }
      if (settings.protected && !remote.protected)
        await glance.update(remote.id, [{ op: 'replace', path: '/protected', value: true }], signal);
      return copyOf(remote, signal);
    },

    async verify(copy, file, signal) {
      const remote = await glance.get(copy.remoteId, signal);
      if (!remote) throw new CloudError('not-found', `Image ${copy.remoteId} is no longer in Glance.`);
      if (remote.status !== 'active')
        throw new CloudError('other', `Image ${copy.remoteId} is "${remote.status}" in Glance, not active.`);
      return compare(remote, file);
    },

    async discard(state, signal) {
      const imageId = savedImageId(state);
      if (!imageId) return;
      const remote = await glance.get(imageId, signal);
      if (!remote) return;
      // A protected active image is a finished publication someone chose to keep, not a leftover.
      if (remote.protected && remote.status === 'active') return;
      if (remote.protected) await glance.update(imageId, [{ op: 'replace', path: '/protected', value: false }], signal);
      await glance.delete(imageId, signal);
    },

    async remove(copy, signal) {
      await glance.delete(copy.remoteId, signal);
    },

    async findPublished(imageId, sha512, signal) {
      // Glance's listing leaves community images out unless asked for all.
      const filters = { cbp_image_id: imageId, status: 'active', visibility: 'all' };
      const candidates = await glance.list(filters, signal);
      const match = candidates.find((c) => c.os_hash_algo === 'sha512' && c.os_hash_value === sha512);
      return match ? copyOf(match, signal) : undefined;
    },
  };
}

function savedImageId(state: RemoteState | undefined): string | undefined {
  return typeof state?.imageId === 'string' && state.imageId ? state.imageId : undefined;
}

/**
 * What an earlier attempt left in Glance, if it can be used: a queued image still takes the data
 * (Glance cannot append, so the upload restarts), an active one that is this file is done. Anything
 * else (saving, killed, an active image of other data) is deleted, and the caller creates anew.
 */
async function previousImage(
  glance: GlanceClient,
  previous: RemoteState | undefined,
  file: PublishFile,
  signal: AbortSignal,
): Promise<GlanceImage | undefined> {
  const imageId = savedImageId(previous);
  if (!imageId) return undefined;
  const remote = await glance.get(imageId, signal);
  if (!remote) return undefined;
  if (remote.status === 'queued') return remote;
  if (remote.status === 'active' && sameData(remote, file)) return remote;
  await glance.delete(imageId, signal);
  return undefined;
}

function sameData(remote: GlanceImage, file: PublishFile): boolean {
  return (
    remote.size === file.sizeBytes &&
    remote.os_hash_algo === 'sha512' &&
    !!file.sha512 &&
    remote.os_hash_value === file.sha512
  );
}

/** Glance's own checksums against ours: its multihash (SHA-512 by default, or SHA-256) and MD5. */
function compare(remote: GlanceImage, file: PublishFile): VerifiedCopy {
  const differences: string[] = [];
  const compared: Record<string, string> = {};
  if (remote.size !== file.sizeBytes)
    differences.push(`its size is ${remote.size ?? 'unknown'} bytes, ours ${file.sizeBytes}`);
  const algo = remote.os_hash_algo;
  const ours = algo === 'sha512' ? file.sha512 : algo === 'sha256' ? file.sha256 : undefined;
  if (algo && ours) {
    if (remote.os_hash_value === ours) compared[algo] = ours;
    else differences.push(`its ${algo} is ${remote.os_hash_value ?? 'missing'}, ours ${ours}`);
  }
  if (remote.checksum) {
    if (remote.checksum === file.md5) compared.md5 = file.md5;
    else differences.push(`its md5 is ${remote.checksum}, ours ${file.md5}`);
  }
  if (differences.length > 0)
    throw new CloudError('mismatch', `The copy in Glance differs from ours: ${differences.join('; ')}.`);
  if (Object.keys(compared).length === 0)
    throw new CloudError(
      'mismatch',
      `Glance recorded no checksum the portal can compare (os_hash_algo ${algo ?? 'none'}).`,
    );
  return { compared };
}
