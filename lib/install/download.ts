import 'server-only';
import { TransientError, UnavailableError } from '@/lib/errors';
import type { ImageFiles } from '@/lib/nodes/paths';
import type { SshSession } from '@/lib/ssh/session';
import { sh } from '@/lib/ssh/shell';
import { urlOnStdin, type Downloader } from './downloader';

/**
 * Pull mode: the node downloads the image itself into the `.part`, continuing from what is already
 * there. curl's progress meter is read from stderr as it comes.
 */

// curl exit codes of failures that may pass: connect, partial file, timeout, empty reply, send/recv.
const CURL_TRANSIENT = new Set([7, 18, 28, 52, 55, 56, 92]);
// curl: "the server does not support byte ranges". (wget fails such a resume on its own terms; the
// job then fails and its .part is removed, so the next install starts from zero.)
export const CURL_CANNOT_RESUME = 33;
// wget: network failure.
const WGET_TRANSIENT = new Set([4]);

export class CannotResumeError extends UnavailableError {}

export type DownloadOptions = {
  /** With a known size curl refuses a larger file, so a wrong source cannot fill the node's disk. */
  maxBytes: number | null;
  signal?: AbortSignal;
  /** Bytes received by this download so far (not counting what the `.part` held before). */
  onProgress?: (receivedBytes: number) => void;
};

export async function download(
  session: SshSession,
  downloader: Downloader,
  url: string,
  files: ImageFiles,
  options: DownloadOptions,
) {
  const limit = options.maxBytes === null ? sh`` : sh`--max-filesize ${options.maxBytes}`;
  // `exec` keeps the shell's pid for the downloader, so the pid file names the process writing the .part.
  const command =
    downloader === 'curl'
      ? sh`echo $$ > ${files.partPid} && exec curl --globoff --fail --location --show-error --continue-at - --proto =http,https,ftp --proto-redir =http,https,ftp --connect-timeout 30 --speed-limit 1 --speed-time 120 ${limit} --output ${files.part} --config -`
      : sh`echo $$ > ${files.partPid} && exec wget --quiet --continue --tries=1 --timeout=120 --output-document=${files.part} --input-file=-`;
  const meter = new CurlMeter(options.onProgress);
  const result = await session.exec(command, {
    stdin: urlOnStdin(downloader, url),
    signal: options.signal,
    timeoutMs: null,
    onStderr: downloader === 'curl' ? (chunk) => meter.feed(chunk) : undefined,
  });
  if (result.code === 0) return;
  if (options.signal?.aborted) throw new UnavailableError('The download was stopped.');
  if (result.code === null && !result.signal) {
    throw new TransientError('The download was cut off: the SSH connection closed before it finished.');
  }
  const message =
    downloaderMessage(result.stderr) || `${downloader} exited with status ${result.code ?? result.signal}`;
  if (downloader === 'curl' && result.code === CURL_CANNOT_RESUME)
    throw new CannotResumeError(`The download failed on the node: ${message}`);
  const transient = downloader === 'curl' ? CURL_TRANSIENT : WGET_TRANSIENT;
  const ErrorType = result.code !== null && transient.has(result.code) ? TransientError : UnavailableError;
  throw new ErrorType(`The download failed on the node: ${message}`);
}

/** The downloader's own error lines, without the progress meter around them. */
function downloaderMessage(stderr: string): string {
  const lines = stderr.split(/[\r\n]+/).map((l) => l.trim());
  const errors = lines.filter((l) => /^(curl|wget):/.test(l));
  return (
    errors.length > 0
      ? errors
      : lines.filter((l) => l && !/^[\d\s.kMGTP%:-]+$/.test(l) && !l.startsWith('%') && !l.startsWith('Dload'))
  )
    .slice(-3)
    .join('\n');
}

const UNITS: Record<string, number> = { '': 1, k: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 };

/**
 * Reads curl's default progress meter, one `\r`-separated line per second:
 *   `% Total    % Received % Xferd  Average Speed ...`
 *   ` 45  100M   45 45.2M    0     0  50.1M      0  0:00:01 ...`
 * The fourth column is what this download received; with --continue-at it excludes the resumed part.
 */
export class CurlMeter {
  private buffer = '';
  constructor(private readonly onProgress?: (receivedBytes: number) => void) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split(/[\r\n]/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) {
      const received = parseMeterLine(line);
      if (received !== null) this.onProgress?.(received);
    }
  }
}

export function parseMeterLine(line: string): number | null {
  const match = /^\s*\d+\s+[\d.]+[kMGTP]?\s+\d+\s+([\d.]+)([kMGTP]?)\s/.exec(line);
  if (!match) return null;
  return Math.round(Number(match[1]) * UNITS[match[2] ?? '']!);
}
