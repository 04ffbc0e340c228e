import 'server-only';
import { getConfig } from '@/lib/config';
import { ImgapiError, imageNotFound, imgapiErrorResponse, notServing } from './errors';
import { parseListParams } from './list-params';
import { manifestOf } from '@/lib/imgapi/manifest';
import { getServedImage, listServedImages } from './served';

/**
 * The JSON answers of the read-only IMGAPI (app/imgapi/…). It is public and anonymous by design:
 * only public images are ever served, so there is no user to ask about; and only when the operator
 * chose to serve (PORTAL_IMGAPI_SERVE), as anonymous access must never be a surprise.
 */

/** Manifests change when an admin edits an image; clients must not hold on to them. */
const JSON_HEADERS = { 'Cache-Control': 'no-store' };

export function respondImageList(request: Request): Promise<Response> {
  return answer(async () =>
    (await listServedImages(parseListParams(new URL(request.url).searchParams))).map(manifestOf),
  );
}

export function respondImage(uuid: string): Promise<Response> {
  return answer(async () => {
    const image = await getServedImage(uuid);
    if (!image) throw imageNotFound(uuid);
    return manifestOf(image);
  });
}

/**
 * IMGAPI's Ping: clients use it to check a repository URL, and imgadm tells an IMGAPI from older
 * repositories by `imgapi: true`. No `version`: we would only be inventing an IMGAPI release.
 */
export function respondPing(): Promise<Response> {
  return answer(async () => ({ ping: 'pong', imgapi: true }));
}

async function answer(load: () => Promise<unknown>): Promise<Response> {
  try {
    if (!getConfig().imgapi.serve) throw notServing();
    return Response.json(await load(), { headers: JSON_HEADERS });
  } catch (err) {
    if (err instanceof ImgapiError) return imgapiErrorResponse(err);
    throw err;
  }
}
