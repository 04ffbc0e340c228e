import 'server-only';
import { getConfig } from '@/lib/config';
import { UnavailableError } from '@/lib/errors';
import { readRemoteJson, remoteChunks } from './http';
import { remoteManifestSchema, type RemoteManifest } from '@/lib/imgapi/manifest';

/**
 * The portal as an IMGAPI client: the three reads an import needs from a remote repository.
 * `baseUrl` is the repository's URL as configured, e.g. `https://images.example.com` or
 * `http://portal-a:3000/imgapi`; the IMGAPI paths (/images…) go below it.
 */

/** A manifest is a few KiB; anything near this is not one. */
const MANIFEST_MAX_BYTES = 256 * 1024;
/** IMGAPI's own page limit; the listing is read page by page with `marker`. */
const PAGE_SIZE = 1000;

function imagesUrl(baseUrl: string, suffix = '', query?: Record<string, string>): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/images${suffix}`);
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

export type RemoteListing = { manifests: RemoteManifest[]; skipped: number };

/**
 * Every image the repository lists, within the configured size cap for the whole listing. Entries
 * that are not usable manifests are counted and skipped: one odd image must not hide the rest.
 * Paging follows IMGAPI: the marker image comes back first on the next page, and is dropped.
 */
export async function listRemoteImages(baseUrl: string): Promise<RemoteListing> {
  const { timeoutMs, listMaxBytes } = getConfig().imgapi;
  const manifests = new Map<string, RemoteManifest>();
  let skipped = 0;
  let budget = listMaxBytes;
  let marker: string | undefined;
  for (;;) {
    const query: Record<string, string> = { limit: String(PAGE_SIZE), ...(marker ? { marker } : {}) };
    const url = imagesUrl(baseUrl, '', query);
    // The cap is on the whole listing, so every page gets what the earlier ones left.
    const { json: page, bytes } = await readRemoteJson(url, { timeoutMs, maxBytes: budget, what: 'the image list' });
    budget -= bytes;
    if (!Array.isArray(page))
      throw new UnavailableError(
        'The repository did not answer with a list of images; is the URL that of an IMGAPI repository?',
      );
    const fresh = page.filter((entry) => !(marker && (entry as { uuid?: unknown })?.uuid === marker));
    for (const entry of fresh) {
      const parsed = remoteManifestSchema.safeParse(entry);
      if (parsed.success) manifests.set(parsed.data.uuid, parsed.data);
      else skipped += 1;
    }
    const last = (page.at(-1) as { uuid?: unknown } | undefined)?.uuid;
    // A short page is the last one; a server that ignores `marker` would repeat itself forever.
    if (page.length < PAGE_SIZE || typeof last !== 'string' || last === marker || fresh.length === 0) break;
    marker = last;
  }
  return { manifests: [...manifests.values()], skipped };
}

/** One image's manifest, read fresh from the repository at import time. */
export async function fetchRemoteManifest(
  baseUrl: string,
  uuid: string,
  signal?: AbortSignal,
): Promise<RemoteManifest> {
  const { json: body } = await readRemoteJson(imagesUrl(baseUrl, `/${encodeURIComponent(uuid)}`), {
    timeoutMs: getConfig().imgapi.timeoutMs,
    maxBytes: MANIFEST_MAX_BYTES,
    what: `the manifest of image ${uuid}`,
    signal,
  });
  const parsed = remoteManifestSchema.safeParse(body);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`).join('; ');
    throw new UnavailableError(`The repository's manifest for image ${uuid} is not usable (${problem}).`);
  }
  if (parsed.data.uuid !== uuid)
    throw new UnavailableError(
      `The repository answered with the manifest of ${parsed.data.uuid} when asked for ${uuid}.`,
    );
  return parsed.data;
}

/** The image's first file, as the repository stores it (possibly compressed), at most `maxBytes`. */
export function remoteFileChunks(
  baseUrl: string,
  uuid: string,
  maxBytes: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  return remoteChunks(imagesUrl(baseUrl, `/${encodeURIComponent(uuid)}/file`), {
    timeoutMs: getConfig().imgapi.timeoutMs,
    maxBytes,
    what: `the file of image ${uuid}`,
    signal,
  });
}
