import 'server-only';
import { UnavailableError } from '@/lib/errors';
import { urlOnStdin, type Downloader } from './downloader';
import {
  HEAD_BYTES,
  qemuFailure,
  startsAsSparseVmdk,
  TAIL_BYTES,
  unsafeHeaderReason,
  VMDK_AREA,
} from '@/lib/images/file-safety';
import { bytesFromOd, parseQemuInfo, type FormatEvidence } from './format';
import { sh } from '@/lib/ssh/shell';
import { MAX_SIDECAR_BYTES, sidecarOwnerMarker } from './sidecar';
import { MTIME, type FileStamp } from '@/lib/nodes/file-stamp';
import type { SshSession } from '@/lib/ssh/session';
import type { ImageFiles } from '@/lib/nodes/paths';

/**
 * The remote steps of an install, each one command built with `sh`. They know nothing of jobs or
 * the database; lib/install/pipeline.ts strings them together.
 */

const PROBED_TOOLS = [
  'curl',
  'wget',
  'sha256sum',
  'md5sum',
  'stat',
  'df',
  'mv',
  'rm',
  'cat',
  'mkdir',
  'od',
  'kill',
  'sync',
  'grep',
  'tr',
  'qemu-img',
];
const ALWAYS_NEEDED = ['sha256sum', 'stat', 'df', 'mv', 'rm', 'cat', 'mkdir', 'od', 'kill', 'sync', 'grep', 'tr'];

export type { Downloader };

/** Which of the tools the pipeline uses exist on the node. */
export async function probeTools(session: SshSession): Promise<Set<string>> {
  const out = await session.run(
    sh`for tool in ${PROBED_TOOLS}; do command -v "$tool" >/dev/null 2>&1 && echo "$tool"; done; true`,
    'Checking tools',
  );
  return new Set(
    out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

/**
 * Refuses before any byte moves when a tool the install needs is missing. A pull needs a
 * downloader (curl preferred); a push needs none. qemu-img is optional: without it the format
 * check reads the file's signature.
 */
export function requireTools(tools: Set<string>, needs: { md5: boolean; download: boolean }): Downloader | null {
  const missing = [...ALWAYS_NEEDED, ...(needs.md5 ? ['md5sum'] : [])].filter((t) => !tools.has(t));
  const downloader = tools.has('curl') ? 'curl' : tools.has('wget') ? 'wget' : null;
  if (needs.download && !downloader) missing.push('curl or wget');
  if (missing.length > 0) {
    throw new UnavailableError(`The node lacks required tools: ${missing.join(', ')}. Install them and retry.`);
  }
  return needs.download ? downloader : null;
}

/** Creates the image directory when missing and returns its free bytes. */
export async function freeBytes(session: SshSession, dir: string): Promise<number> {
  const out = await session.run(sh`mkdir -p -- ${dir} && df -Pk -- ${dir}`, 'Reading free space');
  const availableKiB = Number((out.trim().split('\n').at(-1) ?? '').trim().split(/\s+/)[3]);
  if (!Number.isFinite(availableKiB)) throw new UnavailableError(`Could not read free space of ${dir}.`);
  return availableKiB * 1024;
}

/**
 * Asks the node for the URL's size with a HEAD request; null when the server does not say. With
 * `--fail` an error answer is no answer: a 404 page's length is never taken for the image's.
 */
export async function remoteContentLength(
  session: SshSession,
  downloader: Downloader,
  url: string,
): Promise<number | null> {
  if (downloader !== 'curl') return null;
  const result = await session.exec(
    sh`curl --globoff --fail --silent --show-error --head --location --max-time 30 --proto =http,https,ftp --config -`,
    {
      stdin: urlOnStdin('curl', url),
    },
  );
  if (result.code !== 0) return null;
  // With redirects there is one header block per hop; the last one describes the file.
  const lengths = [...result.stdout.matchAll(/^content-length:\s*(\d+)\s*$/gim)].map((m) => Number(m[1]));
  return lengths.at(-1) ?? null;
}

/** The size and modification time of a file on the node, as a hash of it is recorded with. */
export async function fileStamp(session: SshSession, file: string): Promise<FileStamp> {
  const [size = '', mtime = ''] = (await session.run(sh`stat -c '%s %.9Y' -- ${file}`, 'Reading the file size'))
    .trim()
    .split(' ');
  const sizeBytes = Number(size);
  if (!Number.isSafeInteger(sizeBytes) || !MTIME.test(mtime))
    throw new UnavailableError(`The node reported an unreadable size or time for ${file}.`);
  return { sizeBytes, mtime };
}

/** The size of a file on the node, 0 when it does not exist. */
export async function fileSize(session: SshSession, file: string): Promise<number> {
  const out = await session.run(sh`stat -c %s -- ${file} 2>/dev/null || echo 0`, 'Reading file size');
  return Number(out.trim()) || 0;
}

export type NodeHashes = { sha256: string; md5?: string; sizeBytes: number };

/**
 * The node hashes the file itself; md5 only when it is needed, as it costs another read. Each
 * hasher is `exec`ed on its own, so a cancel's TERM reaches the hasher rather than a shell above it.
 */
export async function hashOnNode(
  session: SshSession,
  file: string,
  withMd5: boolean,
  signal?: AbortSignal,
): Promise<NodeHashes> {
  const sizeBytes = Number((await session.run(sh`stat -c %s -- ${file}`, 'Reading the file size')).trim());
  const hash = async (tool: 'sha256sum' | 'md5sum', length: number) => {
    const line = await session.run(sh`exec ${tool} -- ${file}`, 'Hashing the file', { timeoutMs: null, signal });
    // The hasher prefixes the line with a backslash when the file name needs escaping.
    return new RegExp(`^\\\\?([0-9a-f]{${length}})\\b`).exec(line)?.[1];
  };
  const sha256 = await hash('sha256sum', 64);
  const md5 = withMd5 ? await hash('md5sum', 32) : undefined;
  if (!Number.isFinite(sizeBytes) || !sha256 || (withMd5 && !md5)) {
    throw new UnavailableError('The node returned a checksum report the portal could not read.');
  }
  return { sha256, md5, sizeBytes };
}

/** Exit status of the commit when the final path holds a file that is not this image's. */
const NOT_OURS = 17;

/**
 * Commit: the sidecar is written beside the file first, then both are renamed into place. A rename
 * within one directory is atomic, so a reader sees either no image or the whole, verified image.
 * A file already at the final path is replaced only when its sidecar names this same image (an
 * earlier attempt's commit): the file of another image, or of unknown origin, is never overwritten.
 */
export async function commitFiles(
  session: SshSession,
  files: ImageFiles,
  sidecarJson: string,
  imageId: string,
): Promise<void> {
  await session.run(sh`cat > ${files.manifestPart}`, 'Writing the manifest', { stdin: sidecarJson });
  const result = await session.exec(
    // sync first: the rename must never publish a file whose bytes are still only in the page cache.
    sh`if [ -e ${files.file} ] || [ -L ${files.file} ]; then grep -qF -- ${sidecarOwnerMarker(imageId)} ${files.manifest} 2>/dev/null || exit ${NOT_OURS}; fi
sync -- ${files.part} ${files.manifestPart} && mv -f -- ${files.part} ${files.file} && mv -f -- ${files.manifestPart} ${files.manifest} && rm -f -- ${files.partSource} ${files.partPid}`,
  );
  if (result.code === NOT_OURS) {
    throw new UnavailableError(
      `${files.file} already exists on the node and does not belong to this image; the portal never replaces another image's file. ` +
        'Move or remove it on the node, or run Sync Available Images to see whose it is, then retry.',
    );
  }
  if (result.code !== 0)
    throw new UnavailableError(
      `Moving the image into place failed on the node: ${result.stderr.trim() || `exit code ${result.code}`}`,
    );
}

/**
 * The file an earlier attempt committed at the final path, if any: its size and its sidecar's text
 * (capped, like every sidecar the portal reads). A crash between commit and record leaves one.
 */
export async function readCommitted(
  session: SshSession,
  files: ImageFiles,
): Promise<{ sizeBytes: number; sidecar: string } | null> {
  const out = await session.run(
    sh`[ -f ${files.file} ] && [ ! -L ${files.file} ] && [ -f ${files.manifest} ] || exit 0
stat -c %s -- ${files.file} && head -c ${MAX_SIDECAR_BYTES} -- ${files.manifest}`,
    'Looking for a committed file',
  );
  const newline = out.indexOf('\n');
  const sizeBytes = Number(out.slice(0, newline));
  return newline > 0 && Number.isSafeInteger(sizeBytes) ? { sizeBytes, sidecar: out.slice(newline + 1) } : null;
}

/** Removes what an unfinished install leaves behind; throws when the node could not do it. */
export async function removePartials(session: SshSession, files: ImageFiles): Promise<void> {
  await session.run(
    sh`rm -f -- ${files.part} ${files.manifestPart} ${files.partSource} ${files.partPid}`,
    'Removing the partial transfer',
  );
}

/** Removes an installed image: its file, its sidecar and any leftovers of an install. */
export async function removeInstalled(session: SshSession, files: ImageFiles): Promise<void> {
  await session.run(
    sh`rm -f -- ${files.manifest} ${files.file} ${files.part} ${files.manifestPart} ${files.partSource} ${files.partPid}`,
    'Removing the image',
  );
}

/**
 * Stops a download an earlier attempt left running on the node (the portal restarted, or the
 * connection dropped while the node kept downloading), so two writers never share a `.part`. The
 * pid is only trusted when that process's command line names this `.part`: pids get reused.
 */
export async function stopEarlierDownload(session: SshSession, files: ImageFiles): Promise<boolean> {
  const out = await session.run(
    sh`pid=$(cat -- ${files.partPid} 2>/dev/null) || exit 0
case "$pid" in ''|*[!0-9]*) rm -f -- ${files.partPid}; exit 0;; esac
if kill -0 "$pid" 2>/dev/null && tr '\\000' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- ${files.part}; then
  kill "$pid"; i=0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" && sleep 0.5
  if kill -0 "$pid" 2>/dev/null; then echo "process $pid still writes the partial file" >&2; exit 1; fi
  echo stopped
fi
rm -f -- ${files.partPid}`,
    'Stopping an earlier download',
  );
  return out.includes('stopped');
}

/**
 * How many bytes of this image's content the `.part` already holds. A `.part` written for other
 * content (the image's checksum changed, or no record of it) is removed first, so a resume can
 * only ever append to the same bytes.
 */
export async function resumableBytes(session: SshSession, files: ImageFiles, contentId: string): Promise<number> {
  const out = await session.run(
    sh`if [ "$(cat -- ${files.partSource} 2>/dev/null)" = ${contentId} ] && [ -f ${files.part} ]; then
  stat -c %s -- ${files.part}
else
  rm -f -- ${files.part} && printf '%s' ${contentId} > ${files.partSource} && echo 0
fi`,
    'Checking for a partial transfer',
  );
  const bytes = Number(out.trim());
  if (!Number.isSafeInteger(bytes) || bytes < 0)
    throw new UnavailableError('The node reported an unreadable size for the partial transfer.');
  return bytes;
}

/** Starts the `.part` again from zero, keeping the record of which content it is for. */
export async function truncatePart(session: SshSession, files: ImageFiles): Promise<void> {
  await session.run(sh`: > ${files.part}`, 'Truncating the partial transfer');
}

/**
 * What the format and safety checks need to know about a file, read on the node: its head, the
 * ISO 9660 magic, its last 512 bytes and, for a sparse VMDK, the descriptor area, in one command.
 * qemu-img is not run on a file whose header already names another file: it would open that file.
 */
export async function readFormatEvidence(
  session: SshSession,
  file: string,
  sizeBytes: number,
  withQemu: boolean,
): Promise<FormatEvidence> {
  const footerAt = Math.max(0, sizeBytes - TAIL_BYTES);
  const out = await session.run(
    sh`od -An -v -tx1 -N ${HEAD_BYTES} -- ${file}; echo '|'; od -An -v -tx1 -j 32769 -N 5 -- ${file} 2>/dev/null; echo '|'; od -An -v -tx1 -j ${footerAt} -N ${TAIL_BYTES} -- ${file} 2>/dev/null; echo '|'
case "$(od -An -tx1 -N 4 -- ${file} 2>/dev/null)" in *'4b 44 4d 56'*) od -An -v -tx1 -j ${VMDK_AREA.offset} -N ${VMDK_AREA.bytes} -- ${file} 2>/dev/null;; esac; true`,
    'Reading the file signature',
  );
  const [head = '', isoMagic = '', vhdFooter = '', vmdkArea = ''] = out.split('|');
  const evidence: FormatEvidence = {
    head: bytesFromOd(head),
    isoMagic: bytesFromOd(isoMagic),
    vhdFooter: bytesFromOd(vhdFooter),
  };
  if (startsAsSparseVmdk(evidence.head)) evidence.vmdkArea = bytesFromOd(vmdkArea);
  if (withQemu && !unsafeHeaderReason(evidence)) {
    const info = await session.exec(sh`qemu-img info --output=json -- ${file}`, { timeoutMs: 120_000 });
    if (info.code === 0) evidence.qemu = parseQemuInfo(info.stdout);
    if (!evidence.qemu)
      evidence.qemuError = info.timedOut ? 'it did not finish within 120 s' : qemuFailure(info.code, info.stderr);
  }
  return evidence;
}
