import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import { authorize, type UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, changedRows } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { ConflictError, DomainError, ForbiddenError } from '@/lib/errors';
import { getImage } from '@/lib/images/queries';
import { recordStoredFileHashed } from './trusted-hashes';
import { imageStore, receiveImageUpload, type UploadBody } from './image-store';
import { uploadTempName } from './names';
import { reserveStoreSpace, StoreFullError, type Reservation } from './reservations';

export type UploadOutcome =
  | { ok: true; status: 200; sha256: string; md5: string; sizeBytes: number }
  | { ok: false; status: number; error: string };

/** A refusal with the HTTP status the route answers with; `code` picks the audit outcome. */
class UploadRefused extends DomainError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(status === 401 || status === 403 ? 'forbidden' : 'invalid', message);
  }
}

export type UploadRequest = {
  body: UploadBody;
  /** The request's Content-Length; null when the client sent none. */
  contentLength: number | null;
  /** The request's Content-Type, if any; only a raw octet stream is an image file. */
  contentType?: string | null;
  signal?: AbortSignal;
};

/**
 * The upload an HTTP request carries: its body as a stream, never buffered, with the headers that
 * decide whether it is read at all. Shared by the browser's route and the JSON API's.
 */
export function uploadRequestOf(request: Request): UploadRequest {
  return {
    body: request.body,
    contentLength: parseContentLength(request.headers.get('content-length')),
    contentType: request.headers.get('content-type'),
    signal: request.signal,
  };
}

/** Null when absent; a malformed header counts as absent, so the client is told what to send. */
function parseContentLength(header: string | null): number | null {
  if (header === null || !/^\d{1,16}$/.test(header.trim())) return null;
  const value = Number(header.trim());
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * Push mode: puts the file of an image created with the "upload" source into the image store.
 * Shared by the route handler and the tests, so they exercise everything but the session cookie.
 * Exactly one audit event per call; on any failure the image stays pending with no file.
 */
export async function uploadImageFile(
  user: UserContext | null,
  imageId: string,
  request: UploadRequest,
): Promise<UploadOutcome> {
  let dataCenterId: string | null = null;
  const audit = async (outcome: 'ok' | 'denied' | 'error', details: Record<string, unknown>) =>
    await recordAudit({
      userId: user?.id ?? null,
      action: 'image.upload',
      targetType: 'image',
      targetId: imageId,
      dataCenterId,
      outcome,
      details,
    });

  let reservation: Reservation | undefined;
  try {
    if (!user) throw new UploadRefused(401, 'You must sign in first.');
    const found = await getImage(user, imageId);
    if (!found) throw new UploadRefused(404, 'The image was not found.');
    const { image } = found;
    dataCenterId = image.dcBoundId;
    authorize(user, 'image.manage', { image });
    if (request.contentType && !request.contentType.toLowerCase().startsWith('application/octet-stream')) {
      throw new UploadRefused(415, 'Send the file itself as the body, with Content-Type application/octet-stream.');
    }
    const contentLength = request.contentLength;
    if (contentLength === null) throw new UploadRefused(411, 'Send the file with a Content-Length header.');
    if (contentLength === 0) throw new UploadRefused(400, 'The file is empty.');
    if (image.status !== 'pending' || image.storeFile) {
      throw new UploadRefused(409, 'This image already has its file, or is not waiting for an upload.');
    }
    // One upload per image at a time, across every portal process, and only what fits in the store.
    reservation = await reserveStoreSpace(
      uploadTempName(imageId),
      imageStore().localBytesFor(contentLength),
      'this upload',
    );

    const received = await receiveImageUpload({
      imageId,
      diskFormat: image.diskFormat,
      body: request.body,
      contentLength,
      expected: { sha256: image.sha256, md5: image.md5 },
      signal: request.signal,
    });
    // Only a still-pending, still-fileless image takes the file; anything else changed it meanwhile.
    const updated = await getDb()
      .update(images)
      .set({ ...received, status: 'ok', updatedAt: now() })
      .where(and(eq(images.id, imageId), eq(images.status, 'pending'), isNull(images.storeFile)));
    if (changedRows(updated) !== 1) {
      await imageStore().remove(received.storeFile);
      throw new UploadRefused(409, 'The image changed while the file was uploading; the file was discarded.');
    }
    await recordStoredFileHashed({ id: imageId, storeFile: received.storeFile, sha256: received.sha256 });
    await audit('ok', {
      storeFile: received.storeFile,
      sizeBytes: received.sizeBytes,
      sha256: received.sha256,
      md5: received.md5,
    });
    return { ok: true, status: 200, sha256: received.sha256, md5: received.md5, sizeBytes: received.sizeBytes };
  } catch (err) {
    return refusal(err, audit);
  } finally {
    await reservation?.release();
  }
}

function statusOf(err: DomainError): number {
  if (err instanceof UploadRefused) return err.status;
  if (err instanceof StoreFullError) return 507;
  if (err instanceof ForbiddenError) return 403;
  return err instanceof ConflictError ? 409 : 400;
}

async function refusal(
  err: unknown,
  audit: (outcome: 'denied' | 'error', details: Record<string, unknown>) => Promise<void>,
): Promise<UploadOutcome> {
  if (err instanceof DomainError) {
    const status = statusOf(err);
    await audit(err.code === 'forbidden' ? 'denied' : 'error', { error: err.message, status });
    return { ok: false, status, error: err.message };
  }
  const ref = Math.random().toString(36).slice(2, 10);
  console.error(`[portal] image.upload failed (ref ${ref}):`, err);
  await audit('error', { error: 'internal error', ref });
  return { ok: false, status: 500, error: `Unexpected error (ref ${ref}). Nothing was stored; see the server log.` };
}
