import 'server-only';
import { UnavailableError, ValidationError } from '@/lib/errors';
import { outboundGet, type OutboundResponse } from '@/lib/net/outbound';

/**
 * A checksum given as the URL of a checksums file, as cloud images publish them (Ubuntu's SHA256SUMS,
 * Debian's MD5SUMS, Fedora's CHECKSUM) and as Ironic accepts: the portal fetches the list, with a
 * timeout and a size cap, through the outbound guard (lib/net), and picks the line for the image's file name.
 */

export const CHECKSUM_FETCH_TIMEOUT_MS = 10_000;
/** Real lists are a few KiB; anything far bigger is not one. */
export const CHECKSUM_LIST_MAX_BYTES = 1024 * 1024;

export type FoundChecksum = { sha256: string } | { md5: string };

const ALGORITHM_BY_LENGTH: Record<number, 'sha256' | 'md5' | undefined> = { 64: 'sha256', 32: 'md5' };
const OTHER_ALGORITHMS: Record<number, string> = { 40: 'SHA-1', 56: 'SHA-224', 96: 'SHA-384', 128: 'SHA-512' };
/** `<hex>  <name>` or `<hex> *<name>` (GNU coreutils). */
const GNU_LINE = /^([0-9a-fA-F]+) [ *](.+)$/;
/** `SHA256 (<name>) = <hex>` (BSD and Fedora). */
const BSD_LINE = /^[A-Za-z0-9-]+ \((.+)\) = ([0-9a-fA-F]+)$/;

const fieldError = (message: string) => new ValidationError(message, { checksumUrl: [message] });

/** The file name a list is searched for: the last segment of the source URL, or the uploaded file's name. */
export function checksumFileName(
  sourceUrl: string | null | undefined,
  uploadFileName: string | null | undefined,
): string | null {
  if (sourceUrl) {
    const last = new URL(sourceUrl).pathname.split('/').pop() ?? '';
    return last ? decodeURIComponent(last) : null;
  }
  return uploadFileName?.split(/[\\/]/).pop() || null;
}

/** Picks the checksum of `fileName` from a checksums list; throws a ValidationError saying why not. */
export function pickChecksum(list: string, fileName: string): FoundChecksum {
  const sums = new Set<string>();
  for (const raw of list.split(/\r?\n/)) {
    const line = raw.trim();
    const gnu = GNU_LINE.exec(line);
    const bsd = gnu ? null : BSD_LINE.exec(line);
    const [name, sum] = gnu ? [gnu[2], gnu[1]] : bsd ? [bsd[1], bsd[2]] : [null, null];
    if (name && sum && baseName(name) === fileName) sums.add(sum.toLowerCase());
  }
  if (sums.size === 0) throw fieldError(`The checksums file has no line for "${fileName}".`);
  if (sums.size > 1) throw fieldError(`The checksums file lists "${fileName}" more than once, with different sums.`);
  const sum = sums.values().next().value as string;
  const algorithm = ALGORITHM_BY_LENGTH[sum.length];
  if (!algorithm) {
    const other = OTHER_ALGORITHMS[sum.length] ?? `${sum.length}-digit`;
    throw fieldError(
      `The checksums file holds ${other} sums; give a SHA256SUMS or MD5SUMS file, or the checksum itself.`,
    );
  }
  return algorithm === 'sha256' ? { sha256: sum } : { md5: sum };
}

const baseName = (name: string) => name.replace(/^\.\//, '').split('/').pop();

/** Fetches a checksums list and picks `fileName`'s line. Every failure is a clear field message. */
export async function fetchChecksum(
  url: string,
  fileName: string,
  limits: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<FoundChecksum> {
  const timeoutMs = limits.timeoutMs ?? CHECKSUM_FETCH_TIMEOUT_MS;
  const maxBytes = limits.maxBytes ?? CHECKSUM_LIST_MAX_BYTES;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await outboundGet(url, { signal, headers: { accept: 'text/plain, */*' } });
    try {
      if (response.status < 200 || response.status > 299) {
        throw fieldError(
          `The checksums file could not be fetched: the server answered ${response.status} ${response.statusText}.`,
        );
      }
      return pickChecksum(await readCapped(response, maxBytes), fileName);
    } finally {
      response.body.destroy();
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    if (signal.aborted) throw fieldError(`The checksums file did not arrive within ${timeoutMs / 1000} s.`);
    // A refusal or a redirect loop explains itself.
    if (err instanceof UnavailableError) throw fieldError(`The checksums file could not be fetched: ${err.message}`);
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw fieldError(`The checksums file could not be fetched: ${cause}.`);
  }
}

async function readCapped(response: OutboundResponse, maxBytes: number): Promise<string> {
  const tooBig = () =>
    fieldError(`The checksums file is larger than ${Math.round(maxBytes / 1024)} KiB; that is not a checksums list.`);
  if (Number(response.headers['content-length'] ?? 0) > maxBytes) throw tooBig();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    received += chunk.byteLength;
    if (received > maxBytes) throw tooBig();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
