import 'server-only';
import fs from 'node:fs';
import { CloudError } from '@/lib/publish/target';
import type { OpenstackSession } from './openstack-auth';
import { detail, httpFailure } from './openstack-errors';
import {
  openstackRequest,
  type OpenstackAgents,
  type OpenstackRequest,
  type OpenstackResponse,
} from './openstack-http';

/** The calls of the Image service API v2 a publication makes. */

export type GlanceImage = {
  id: string;
  name?: string | null;
  status: string;
  size?: number | null;
  checksum?: string | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  protected?: boolean;
  [property: string]: unknown;
};

export type JsonPatch = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown }[];

// An upload's socket is idle while Glance writes the last bytes and hashes; a minute more is generous.
const UPLOAD_IDLE_TIMEOUT_MS = 120_000;
const LIST_PAGES = 20;

export type GlanceClient = ReturnType<typeof glanceClient>;

export function glanceClient(session: OpenstackSession, agents: OpenstackAgents) {
  /** One call; a 401 on a token we held a while means it was revoked or expired: log in once more. */
  async function call(
    method: OpenstackRequest['method'],
    path: string,
    signal: AbortSignal,
    extra: Partial<OpenstackRequest> = {},
  ): Promise<OpenstackResponse> {
    for (let attempt = 0; ; attempt += 1) {
      const { url, token } = await session.endpoint(signal);
      const headers = token ? { 'x-auth-token': token } : undefined;
      const res = await openstackRequest(agents, {
        service: 'Glance',
        method,
        url: `${url}${path}`,
        headers,
        signal,
        ...extra,
      });
      if (res.status !== 401 || !token || attempt > 0) return res;
      session.renew();
    }
  }

  const image = (res: OpenstackResponse, doing: string): GlanceImage => {
    const parsed = json(res, doing) as GlanceImage;
    if (typeof parsed?.id !== 'string')
      throw new CloudError('other', `Glance answered without an image when ${doing}.`);
    return parsed;
  };
  const id = (imageId: string) => `/v2/images/${encodeURIComponent(imageId)}`;

  return {
    async url(imageId: string, signal: AbortSignal): Promise<string> {
      return `${(await session.endpoint(signal)).url}${id(imageId)}`;
    },

    async create(body: Record<string, unknown>, signal: AbortSignal): Promise<GlanceImage> {
      const res = await call('POST', '/v2/images', signal, { json: body });
      // Glance's default policy keeps public images to administrators (publicize_image).
      if (res.status === 403 && body.visibility === 'public' && /publicize/i.test(res.text))
        throw new CloudError(
          'refused',
          'Glance allows only administrators to publish public images: choose another visibility, or ask the cloud’s administrators.',
        );
      if (res.status !== 201) throw httpFailure(res.status, res.text, 'Glance', 'creating the image');
      return image(res, 'creating the image');
    },

    async get(imageId: string, signal: AbortSignal): Promise<GlanceImage | undefined> {
      const res = await call('GET', id(imageId), signal);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw httpFailure(res.status, res.text, 'Glance', `reading image ${imageId}`);
      return image(res, `reading image ${imageId}`);
    },

    /** Images matching `filters` (Glance filters on any property), following `next` for a few pages. */
    async list(filters: Record<string, string>, signal: AbortSignal, pages = LIST_PAGES): Promise<GlanceImage[]> {
      const found: GlanceImage[] = [];
      let path: string | undefined = `/v2/images?${new URLSearchParams(filters)}`;
      for (let page = 0; path && page < pages; page += 1) {
        const res = await call('GET', path, signal);
        if (res.status !== 200) throw httpFailure(res.status, res.text, 'Glance', 'listing images');
        const body = json(res, 'listing images') as { images?: GlanceImage[]; next?: string };
        found.push(...(body.images ?? []));
        // `next` is a path from the API root, "/v2/images?marker=…".
        path = body.next?.startsWith('/v2/') ? body.next : undefined;
      }
      return found;
    },

    async update(imageId: string, patch: JsonPatch, signal: AbortSignal): Promise<void> {
      const contentType = 'application/openstack-images-v2.1-json-patch';
      const res = await call('PATCH', id(imageId), signal, { json: patch, contentType });
      if (res.status !== 200) throw httpFailure(res.status, res.text, 'Glance', `updating image ${imageId}`);
    },

    /** Deletes an image; one already gone is no error. A protected one is refused in words. */
    async delete(imageId: string, signal: AbortSignal): Promise<void> {
      const res = await call('DELETE', id(imageId), signal);
      if (res.status === 204 || res.status === 404) return;
      if (res.status === 403 && /protected/i.test(detail(res.text))) {
        const { url } = await session.endpoint(signal);
        throw new CloudError(
          'refused',
          `The image is protected in OpenStack (Glance at ${new URL(url).host}); unprotect it there first.`,
        );
      }
      throw httpFailure(res.status, res.text, 'Glance', `deleting image ${imageId}`);
    },

    /** Streams the file as the image's data; Glance takes it whole or not at all (no ranges, no append). */
    async upload(
      imageId: string,
      file: { path: string; sizeBytes: number },
      onProgress: (bytesDone: number) => void,
      signal: AbortSignal,
    ): Promise<void> {
      const { url, token } = await session.endpoint(signal);
      const res = await openstackRequest(agents, {
        service: 'Glance',
        method: 'PUT',
        url: `${url}${id(imageId)}/file`,
        headers: token ? { 'x-auth-token': token } : {},
        // Progress counts chunks as they are handed to the socket; backpressure keeps that close to what was sent.
        stream: {
          open: () => fs.createReadStream(file.path, { highWaterMark: 1024 * 1024 }),
          length: file.sizeBytes,
          onSent: onProgress,
        },
        signal,
        idleTimeoutMs: UPLOAD_IDLE_TIMEOUT_MS,
      });
      if (res.status === 204) return;
      if (res.status === 401 && token) {
        // The token lapsed mid-way: the next attempt logs in again and starts over.
        session.renew();
        throw new CloudError('credentials', 'Glance refused the token during the upload.', true);
      }
      if (res.status === 409)
        throw new CloudError('other', `Glance would not take the data of image ${imageId}: ${detail(res.text)}`, true);
      throw httpFailure(res.status, res.text, 'Glance', `uploading image ${imageId}`);
    },
  };
}

function json(res: OpenstackResponse, doing: string): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new CloudError('other', `Glance answered with something other than JSON when ${doing}.`);
  }
}
