import 'server-only';
import fs from 'node:fs';
import { getConfig } from '@/lib/config';
import { storedImagePath } from '@/lib/store/image-store';
import { resolveRange } from './byte-range';
import { ImgapiError, imageNotFound, imgapiErrorResponse, notServing } from './errors';
import { getServedImage } from './served';

/**
 * IMGAPI GetImageFile: the image's file from the portal store, whole or one byte range
 * (lib/imgapi/byte-range.ts), for GET and HEAD. Public and anonymous like the rest of the IMGAPI.
 */

/** Read size per pull: large enough for a fast disk, small enough that memory stays flat. */
const CHUNK = 1024 * 1024;

export async function respondImageFile(request: Request, uuid: string): Promise<Response> {
  if (!getConfig().imgapi.serve) return imgapiErrorResponse(notServing());
  const image = await getServedImage(uuid);
  if (!image) return imgapiErrorResponse(imageNotFound(uuid));

  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(storedImagePath(image.storeFile!), 'r');
  } catch (err) {
    // The row said served, but a purge removed the file in between: for the client it is gone.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return imgapiErrorResponse(imageNotFound(uuid));
    throw err;
  }
  let handedOver = false;
  try {
    const size = (await handle.stat()).size;
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
    return new Response(fileBody(handle, start, end + 1), { status, headers });
  } finally {
    if (!handedOver) await handle.close();
  }
}

/**
 * The bytes [start, stop) as a web stream that reads only when the consumer pulls: positional reads
 * from one open handle, so a slow client holds one chunk in memory, not the file. The handle closes
 * at the end, on error, and when the client goes away (cancel).
 */
function fileBody(handle: fs.promises.FileHandle, start: number, stop: number): ReadableStream<Uint8Array> {
  let position = start;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const length = Math.min(CHUNK, stop - position);
        if (length <= 0) {
          await close();
          controller.close();
          return;
        }
        const buffer = Buffer.allocUnsafeSlow(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead === 0) throw new Error(`the image file ended at byte ${position} of ${stop}`);
        position += bytesRead;
        controller.enqueue(new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead));
      } catch (err) {
        await close().catch(() => {});
        controller.error(err);
      }
    },
    cancel: close,
  });
}
