import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage, UnavailableError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import {
  HashingMeter,
  imageStoreDir,
  storedImagePath,
  storeFileName,
  storeFreeBytes,
  syncDirectory,
  uploadTempPath,
  type ReceivedImage,
} from '@/lib/store/image-store';
import { decompressor } from './decompress';
import type { ImgapiFile } from './manifest';
import { remoteFileChunks } from './remote';

type ImportFileOptions = {
  baseUrl: string;
  uuid: string;
  /** The manifest's files[0]: what the downloaded bytes must be. */
  file: Pick<ImgapiFile, 'sha1' | 'size'> & { compression: string };
  diskFormat: string;
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
  const finalPath = storedImagePath(storeFile);
  const tempPath = uploadTempPath(uuid);
  const free = await storeFreeBytes();
  if (free < file.size) {
    throw new UnavailableError(`The portal's image store has ${formatBytes(free)} free, but the file is ${formatBytes(file.size)}.`);
  }
  // An uncompressed file is stored as downloaded: the store's SHA-1 is the download's, hashed once.
  const compressed = file.compression !== 'none';
  const download = new DownloadMeter(file.size, compressed, options.onProgress);
  const stored = new HashingMeter(Number.MAX_SAFE_INTEGER);
  try {
    const source = Readable.from(remoteFileChunks(options.baseUrl, uuid, file.size, options.signal), { objectMode: false });
    const sink = fs.createWriteStream(tempPath, { flags: 'w', mode: 0o600, flush: true });
    await pipeline(source, download, decompressor(file.compression), stored, sink, { signal: options.signal });
    const digests = stored.digests();
    assertDownloadMatches(download.bytes, compressed ? download.sha1() : digests.sha1, file);
    await fs.promises.rename(tempPath, finalPath);
    await syncDirectory(imageStoreDir());
    return { storeFile, sizeBytes: stored.bytes, ...digests };
  } catch (err) {
    await fs.promises.rm(tempPath, { force: true });
    if (options.signal?.aborted) throw err;
    // A stream cut short shows up as whatever broke first (the socket, gunzip); the count says why.
    if (download.bytes < file.size && !(err instanceof VerificationError)) {
      throw new UnavailableError(`The download stopped after ${download.bytes} of ${file.size} bytes: ${errorMessage(err)}. Nothing was stored.`);
    }
    throw err;
  }
}

class VerificationError extends UnavailableError {}

function assertDownloadMatches(bytes: number, sha1: string, file: ImportFileOptions['file']): void {
  if (bytes !== file.size) {
    throw new VerificationError(`The repository sent ${bytes} bytes, but the manifest says the file has ${file.size}; it is truncated. Nothing was stored.`);
  }
  if (sha1 !== file.sha1.toLowerCase()) {
    throw new VerificationError(`SHA-1 mismatch: the manifest says ${file.sha1}, but the downloaded file's is ${sha1}. The file was discarded.`);
  }
}

/** Counts the bytes as downloaded, before any decompression, and SHA-1 hashes them when asked to. */
class DownloadMeter extends Transform {
  bytes = 0;
  private readonly hash;

  constructor(
    private readonly expected: number,
    hashSha1: boolean,
    private readonly onProgress?: (bytesDone: number) => void,
  ) {
    super();
    this.hash = hashSha1 ? crypto.createHash('sha1') : null;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    this.onProgress?.(Math.min(this.bytes, this.expected));
    callback(null, chunk);
  }

  sha1(): string {
    if (!this.hash) throw new Error('This download was not hashed.');
    return this.hash.digest('hex');
  }
}
