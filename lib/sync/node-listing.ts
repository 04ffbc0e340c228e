import 'server-only';
import { UnavailableError } from '@/lib/errors';
import { MAX_SIDECAR_BYTES, SIDECAR_SUFFIX } from '@/lib/install/sidecar';
import { MTIME, type FileStamp } from '@/lib/nodes/file-stamp';
import { sh } from '@/lib/ssh/shell';
import type { SshSession } from '@/lib/ssh/session';

/**
 * What Sync Available Images reads from one node, in one remote command: every regular file in the
 * image directory with its size and modification time, and the bytes of every sidecar. Names and
 * sidecar bodies travel base64-encoded, so nothing a node's files contain (newlines, spaces,
 * control bytes) can shift the parsing. A real sidecar is well under 1 KiB; larger ones are cut
 * at the cap and then fail to parse. The SSH layer keeps at most 1 MiB of output, so the listing
 * ends with a marker: without it the listing was cut and the node is reported, not reconciled.
 */

export const MAX_FILES = 4000;
const END = 'END-OF-LISTING';

export type NodeListing = {
  /** Regular files (not symlinks) directly in the image directory: name → size and mtime. */
  files: Map<string, FileStamp>;
  /** Sidecar name → its content, at most MAX_SIDECAR_BYTES + 1 bytes (one more means too large). */
  sidecars: Map<string, string>;
};

export async function readNodeListing(
  session: SshSession,
  imageDir: string,
  signal?: AbortSignal,
): Promise<NodeListing> {
  const out = await session.run(
    sh`cd -- ${imageDir} || exit 3
n=0
for f in *; do
  { [ -f "$f" ] && [ ! -L "$f" ]; } || continue
  n=$((n + 1))
  if [ "$n" -gt ${MAX_FILES} ]; then echo TOO-MANY; exit 0; fi
  stamp=$(stat -c '%s %.9Y' -- "$f") || continue
  name=$(printf '%s' "$f" | base64 | tr -d '\\n')
  case "$f" in
    *${SIDECAR_SUFFIX}) echo "M $name $stamp $(head -c ${MAX_SIDECAR_BYTES + 1} -- "$f" | base64 | tr -d '\\n')" ;;
    *) echo "F $name $stamp" ;;
  esac
done
echo ${END}`,
    'Listing the image directory',
    { timeoutMs: 120_000, signal },
  );
  return parseNodeListing(out);
}

const fromBase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

export function parseNodeListing(out: string): NodeListing {
  const lines = out.split('\n').filter(Boolean);
  if (lines.includes('TOO-MANY')) {
    throw new UnavailableError(
      `The image directory holds more than ${MAX_FILES} files; the portal does not sync such a directory.`,
    );
  }
  if (lines.at(-1) !== END)
    throw new UnavailableError(
      'The listing of the image directory was cut off (more than 1 MiB); nothing was reconciled.',
    );
  const listing: NodeListing = { files: new Map(), sidecars: new Map() };
  for (const line of lines.slice(0, -1)) {
    const [type, name, size, mtime = '', body = ''] = line.split(' ');
    const bytes = Number(size);
    if ((type !== 'F' && type !== 'M') || !name || !Number.isSafeInteger(bytes) || bytes < 0 || !MTIME.test(mtime)) {
      throw new UnavailableError(
        `The node returned a listing line the portal could not read: ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
    const fileName = fromBase64(name);
    listing.files.set(fileName, { sizeBytes: bytes, mtime });
    if (type === 'M') listing.sidecars.set(fileName, fromBase64(body));
  }
  return listing;
}
