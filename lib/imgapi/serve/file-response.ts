import 'server-only';
import { getConfig } from '@/lib/config';
import type { StoredFileReader } from '@/lib/store/backend';
import { imageStore } from '@/lib/store/image-store';
import { readerChunks } from '@/lib/store/reading';
import { resolveRange } from './byte-range';
import { ImgapiError, imageNotFound, imgapiErrorResponse, notServing } from './errors';
import { getServedImage } from './served';

/**
 * IMGAPI GetImageFile: the image's file from the portal store, whole or one byte range
 * (lib/imgapi/byte-range.ts), for GET and HEAD. Public and anonymous like the rest of the IMGAPI.
 */

export async function respondImageFile(request: Request, uuid: string): Promise<Response> {
  if (!getConfig().imgapi.serve) return imgapiErrorResponse(notServing());
  const image = await getServedImage(uuid);
  if (!image) return imgapiErrorResponse(imageNotFound(uuid));

  const reader = await imageStore().open(image.storeFile!);
  // The row said served, but a purge removed the file in between: for the client it is gone.
  if (!reader) return imgapiErrorResponse(imageNotFound(uuid));
  let handedOver = false;
  try {
    const size = reader.size;
    if (size !== image.sizeBytes) {
      // Clients check size and sha1 against the manifest; a file that disagrees would only fail there.
      return imgapiErrorResponse(
        new ImgapiError('InternalError', `the file of image "${uuid}" does not match its manifest`),
      );
    }
    const etag = `"${image.sha1}"`;
    const headers = new Headers({ 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes', ETag: etag });
    // If-Range: a range of a different file than the client started with would corrupt its copy.
    const ifRange = request.headers.get('if-range');
    const range =
      ifRange !== null && ifRange !== etag
        ? { kind: 'full' as const }
        : resolveRange(request.headers.get('range'), size);

    if (range.kind === 'unsatisfiable') {
      headers.set('Content-Range', `bytes */${size}`);
      return new Response(null, { status: 416, headers });
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
    // `next start` would drop this from an App Router route; the file is sent by a Pages API route
    // (node-file-response.ts), which passes it on.
    headers.set('Content-Length', String(end - start + 1));
    if (range.kind === 'partial') {
      // No Content-MD5 here: the stored md5 is of the whole file, and the header must describe this body.
      headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
    } else if (image.md5) {
      // sdc-clients checks the download against it (base64 of the digest, RFC 1864, not hex).
      headers.set('Content-MD5', Buffer.from(image.md5, 'hex').toString('base64'));
    }
    const status = range.kind === 'partial' ? 206 : 200;
    if (request.method === 'HEAD') return new Response(null, { status, headers });
    handedOver = true;
    return new Response(fileBody(reader, start, end + 1), { status, headers });
  } finally {
    if (!handedOver) await reader.close();
  }
}

/**
 * The bytes [start, stop) as a web stream that reads only when the consumer pulls, so a slow client
 * holds one chunk in memory, not the file. The reader closes at the end, on error, and when the
 * client goes away (cancel).
 */
function fileBody(reader: StoredFileReader, start: number, stop: number): ReadableStream<Uint8Array> {
  const chunks = readerChunks(reader, start, stop);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await reader.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) {
          await close();
          controller.close();
          return;
        }
        controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.length));
      } catch (err) {
        await close().catch(() => {});
        controller.error(err);
      }
    },
    cancel: close,
  });
}
