import 'server-only';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getConfig } from '@/lib/config';
import { errorMessage, UnavailableError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import type { IncomingFile } from '@/lib/store/backend';
import { imageStore, storeFullOr, type ReceivedImage } from '@/lib/store/image-store';
import { storeFileName, uploadTempName } from '@/lib/store/names';
import { HashingTransform } from '@/lib/store/parallel-hash';
import { reserveStoreSpace } from '@/lib/store/reservations';
import { decompressor } from './decompress';
import type { ImgapiFile } from '@/lib/imgapi/manifest';
import { remoteFileChunks } from '@/lib/imgapi/client/remote';

const MIB = 1024 * 1024;

type ImportFileOptions = {
  baseUrl: string;
  uuid: string;
  /** The manifest's files[0]: what the downloaded bytes must be. */
  file: Pick<ImgapiFile, 'sha1' | 'size'> & { compression: string };
  diskFormat: string;
  /** The disk size the manifest declares (`image_size`, MiB), if any: bounds what decompression may yield. */
  declaredDiskMiB?: number;
  signal?: AbortSignal;
  onProgress?: (bytesDone: number) => void;
};

/**
 * Streams an image's file from a repository into the store, in one pass: the downloaded bytes are
 * counted and SHA-1 hashed against the manifest, decompressed, then hashed again (SHA-256, MD5 and
 * SHA-1 of what nodes will get) on their way to disk. The file gets its final name only once the
 * manifest's size and SHA-1 both match; any failure removes it, so the store never holds a partial
 * or unverified import. The temporary name ends in `.upload`, which start-up clears after a crash.
 */
export async function receiveImportedFile(options: ImportFileOptions): Promise<ReceivedImage> {
  const { uuid, file } = options;
  const storeFile = storeFileName(uuid, options.diskFormat);
  const store = imageStore();
  // An uncompressed file is stored as downloaded: the store's SHA-1 is the download's, hashed once.
  const compressed = file.compression !== 'none';
  const cap = compressed ? decompressedCap(options.declaredDiskMiB) : file.size;
  const reservation = await reserveStoreSpace(uploadTempName(uuid), store.localBytesFor(cap), `image ${uuid}`);
  const download = new DownloadMeter(file.size, compressed, options.onProgress);
  const tooLarge = () =>
    new VerificationError(
      `The file decompresses to more than ${formatBytes(cap)}, the most this import may hold; it was stopped and nothing was stored.`,
    );
  let incoming: IncomingFile | undefined;
  try {
    incoming = await store.receive({ storeFile, tempName: uploadTempName(uuid), limit: cap, tooLarge });
    const source = Readable.from(remoteFileChunks(options.baseUrl, uuid, file.size, options.signal), {
      objectMode: false,
    });
    const stored = incoming.sink;
    const signal = options.signal;
    if (compressed) await pipeline(source, download, decompressor(file.compression), stored, { signal });
    else await pipeline(source, download, stored, { signal });
    const digests = stored.digests();
    assertDownloadMatches(download.bytes, compressed ? download.sha1() : digests.sha1, file);
    await incoming.commit(UnavailableError);
    return { storeFile, sizeBytes: stored.bytes, ...digests };
  } catch (err) {
    await incoming?.discard();
    if (options.signal?.aborted) throw err;
    const full = storeFullOr(err, `image ${uuid}`);
    // A stream cut short shows up as whatever broke first (the socket, gunzip); the count says why.
    if (full === err && download.bytes < file.size && !(err instanceof VerificationError)) {
      throw new UnavailableError(
        `The download stopped after ${download.bytes} of ${file.size} bytes: ${errorMessage(err)}. Nothing was stored.`,
      );
    }
    throw full;
  } finally {
    await reservation.release();
  }
}

/**
 * The most a compressed file may decompress to: the disk size its manifest declares, with room for
 * the metadata a container format (qcow2, VMDK) keeps beside the disk's bytes, and never more than
 * PORTAL_IMPORT_MAX_GB. A stream that passes it is a decompression bomb or a lying manifest.
 */
function decompressedCap(declaredDiskMiB: number | undefined): number {
  const { importMaxBytes } = getConfig();
  if (!declaredDiskMiB) return importMaxBytes;
  const disk = declaredDiskMiB * MIB;
  return Math.min(importMaxBytes, disk + Math.max(64 * MIB, Math.ceil(disk / 50)));
}

class VerificationError extends UnavailableError {}

function assertDownloadMatches(bytes: number, sha1: string, file: ImportFileOptions['file']): void {
  if (bytes !== file.size) {
    throw new VerificationError(
      `The repository sent ${bytes} bytes, but the manifest says the file has ${file.size}; it is truncated. Nothing was stored.`,
    );
  }
  if (sha1 !== file.sha1.toLowerCase()) {
    throw new VerificationError(
      `SHA-1 mismatch: the manifest says ${file.sha1}, but the downloaded file's is ${sha1}. The file was discarded.`,
    );
  }
}

/**
 * Counts the bytes as downloaded, before any decompression, and SHA-1 hashes them (on a thread of
 * its own for a large file) when asked to.
 */
class DownloadMeter extends HashingTransform<'sha1'> {
  constructor(expected: number, hashSha1: boolean, onProgress?: (bytesDone: number) => void) {
    super(hashSha1 ? ['sha1'] : [], {
      expectedBytes: expected,
      onBytes: (bytes) => {
        onProgress?.(Math.min(bytes, expected));
        return undefined;
      },
    });
  }

  sha1(): string {
    const { sha1 } = this.digests();
    if (!sha1) throw new Error('This download was not hashed.');
    return sha1;
  }
}
