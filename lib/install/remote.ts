import 'server-only';
import { UnavailableError } from '@/lib/errors';
import { sh } from '@/lib/ssh/shell';
import type { SshSession } from '@/lib/ssh/session';
import type { ImageFiles } from '@/lib/nodes/paths';

/**
 * The remote steps of an install, each one command built with `sh`. They know nothing of jobs or
 * the database; lib/install/pipeline.ts strings them together.
 */

const PROBED_TOOLS = ['curl', 'wget', 'sha256sum', 'md5sum', 'stat', 'df', 'mv', 'rm', 'cat', 'mkdir'];

export type Downloader = 'curl' | 'wget';

/** Which of the tools the pipeline uses exist on the node. */
export async function probeTools(session: SshSession): Promise<Set<string>> {
  const out = await session.run(
    sh`for tool in ${PROBED_TOOLS}; do command -v "$tool" >/dev/null 2>&1 && echo "$tool"; done; true`,
    'Checking tools',
  );
  return new Set(out.split('\n').map((l) => l.trim()).filter(Boolean));
}

export function requireTools(tools: Set<string>, needsMd5: boolean): Downloader {
  const missing = ['sha256sum', 'stat', 'df', 'mv', 'rm', 'cat', 'mkdir', ...(needsMd5 ? ['md5sum'] : [])].filter(
    (t) => !tools.has(t),
  );
  const downloader = tools.has('curl') ? 'curl' : tools.has('wget') ? 'wget' : undefined;
  if (!downloader) missing.push('curl or wget');
  if (missing.length > 0 || !downloader) {
    throw new UnavailableError(`The node lacks required tools: ${missing.join(', ')}. Install them and retry.`);
  }
  return downloader;
}

/** Creates the image directory when missing and returns its free bytes. */
export async function freeBytes(session: SshSession, dir: string): Promise<number> {
  const out = await session.run(sh`mkdir -p -- ${dir} && df -Pk -- ${dir}`, 'Reading free space');
  const availableKiB = Number((out.trim().split('\n').at(-1) ?? '').trim().split(/\s+/)[3]);
  if (!Number.isFinite(availableKiB)) throw new UnavailableError(`Could not read free space of ${dir}.`);
  return availableKiB * 1024;
}

/** Asks the node for the URL's size with a HEAD request; null when the server does not say. */
export async function remoteContentLength(session: SshSession, downloader: Downloader, url: string): Promise<number | null> {
  if (downloader !== 'curl') return null;
  const result = await session.exec(
    sh`curl --globoff --silent --show-error --head --location --max-time 30 --proto =http,https,ftp --url ${url}`,
  );
  if (result.code !== 0) return null;
  // With redirects there is one header block per hop; the last one describes the file.
  const lengths = [...result.stdout.matchAll(/^content-length:\s*(\d+)\s*$/gim)].map((m) => Number(m[1]));
  return lengths.at(-1) ?? null;
}

/** The size of a file on the node, 0 when it does not exist. */
export async function fileSize(session: SshSession, file: string): Promise<number> {
  const out = await session.run(sh`stat -c %s -- ${file} 2>/dev/null || echo 0`, 'Reading file size');
  return Number(out.trim()) || 0;
}

/**
 * Runs the download on the node into `part`; throws with the downloader's own message on failure.
 * With a known size, curl also refuses a larger file, so a wrong source cannot fill the node's disk.
 */
export async function download(
  session: SshSession,
  downloader: Downloader,
  url: string,
  part: string,
  options: { maxBytes: number | null; signal?: AbortSignal },
) {
  const limit = options.maxBytes === null ? sh`` : sh`--max-filesize ${options.maxBytes}`;
  const command =
    downloader === 'curl'
      ? sh`curl --globoff --fail --location --silent --show-error --proto =http,https,ftp --proto-redir =http,https,ftp --connect-timeout 30 --speed-limit 1 --speed-time 120 ${limit} --output ${part} --url ${url}`
      : sh`wget --quiet --tries=1 --timeout=120 --output-document=${part} -- ${url}`;
  await session.run(command, 'The download', { signal: options.signal, timeoutMs: null });
}

export type NodeHashes = { sha256: string; md5?: string; sizeBytes: number };

/** The node hashes the file itself; md5 only when it is needed, as it costs another read. */
export async function hashOnNode(session: SshSession, file: string, withMd5: boolean): Promise<NodeHashes> {
  const command = withMd5
    ? sh`stat -c %s -- ${file} && sha256sum -- ${file} && md5sum -- ${file}`
    : sh`stat -c %s -- ${file} && sha256sum -- ${file}`;
  const lines = (await session.run(command, 'Hashing the file', { timeoutMs: null })).split('\n');
  // sha256sum prefixes the line with a backslash when the file name needs escaping.
  const digest = (line: string | undefined, length: number) => new RegExp(`^\\\\?([0-9a-f]{${length}})\\b`).exec(line ?? '')?.[1];
  const sizeBytes = Number(lines[0]);
  const sha256 = digest(lines[1], 64);
  const md5 = withMd5 ? digest(lines[2], 32) : undefined;
  if (!Number.isFinite(sizeBytes) || !sha256 || (withMd5 && !md5)) {
    throw new UnavailableError('The node returned a checksum report the portal could not read.');
  }
  return { sha256, md5, sizeBytes };
}

/**
 * Commit: the sidecar is written beside the file first, then both are renamed into place. A rename
 * within one directory is atomic, so a reader sees either no image or the whole, verified image.
 */
export async function commitFiles(session: SshSession, files: ImageFiles, manifestJson: string): Promise<void> {
  await session.run(sh`cat > ${files.manifestPart}`, 'Writing the manifest', { stdin: manifestJson });
  await session.run(
    sh`mv -f -- ${files.part} ${files.file} && mv -f -- ${files.manifestPart} ${files.manifest}`,
    'Moving the image into place',
  );
}

/** Best-effort removal of what an unfinished install leaves behind. */
export async function removePartials(session: SshSession, files: ImageFiles): Promise<void> {
  await session.exec(sh`rm -f -- ${files.part} ${files.manifestPart}`);
}
