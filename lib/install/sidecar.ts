import { z } from 'zod';
import { CONTAINER_FORMATS, DISK_FORMATS } from '@/lib/db/enums';

/**
 * The `<file>.manifest.json` sidecar that an install commits beside an image file on a node, and
 * that Sync Available Images (and a resumed install) reads back to know the file. Written and read
 * through this one definition. A node's files are untrusted input: anyone with a shell there can
 * write one, so every field is bounded and checked, and a sidecar that does not parse is reported,
 * never used.
 */

export const SIDECAR_SUFFIX = '.manifest.json';
/** A real sidecar is well under 1 KiB; the portal never reads more of one than this. */
export const MAX_SIDECAR_BYTES = 16 * 1024;

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `expected ${length} hex digits`);
const shortText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\0\n\r]*$/, 'no control characters');

export const sidecarSchema = z.object({
  manifestVersion: z.literal(1),
  imageId: shortText(64),
  name: shortText(64),
  alias: shortText(64).nullable().optional(),
  version: shortText(64),
  diskFormat: z.enum(DISK_FORMATS),
  containerFormat: z.enum(CONTAINER_FORMATS),
  sizeBytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  sha256: hex(64),
  md5: hex(32).nullable().optional(),
  fileName: shortText(200),
  installedAt: z.string().max(64).optional(),
  jobId: z.string().max(64).optional(),
});

export type Sidecar = z.infer<typeof sidecarSchema>;

type SidecarImage = Pick<Sidecar, 'imageId' | 'name' | 'alias' | 'version' | 'diskFormat' | 'containerFormat'> & {
  md5: string | null;
};

/** The sidecar's text; JSON with two-space indent, which the commit's ownership check relies on. */
export function buildSidecar(
  image: SidecarImage,
  file: { fileName: string; sizeBytes: number; sha256: string; md5?: string },
  context: { jobId: string; installedAt: Date },
): string {
  const sidecar: Sidecar = {
    manifestVersion: 1,
    imageId: image.imageId,
    name: image.name,
    alias: image.alias,
    version: image.version,
    diskFormat: image.diskFormat,
    containerFormat: image.containerFormat,
    sizeBytes: file.sizeBytes,
    sha256: file.sha256,
    md5: file.md5 ?? image.md5,
    fileName: file.fileName,
    installedAt: context.installedAt.toISOString(),
    jobId: context.jobId,
  };
  return JSON.stringify(sidecar, null, 2) + '\n';
}

/** The exact text a sidecar written by `buildSidecar` holds for its image; the commit greps for it. */
export function sidecarOwnerMarker(imageId: string): string {
  return `"imageId": ${JSON.stringify(imageId)}`;
}

/** The image file a sidecar describes, by name: `x.qcow2.manifest.json` describes `x.qcow2`. */
export function fileOfSidecar(sidecarName: string): string | null {
  return sidecarName.endsWith(SIDECAR_SUFFIX) && sidecarName.length > SIDECAR_SUFFIX.length
    ? sidecarName.slice(0, -SIDECAR_SUFFIX.length)
    : null;
}

/** Parses a sidecar's bytes; says why when it cannot be used. */
export function parseSidecar(
  sidecarName: string,
  text: string,
): { ok: true; sidecar: Sidecar } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const parsed = sidecarSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `field ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  // A sidecar names its own file; one that names another cannot be trusted to describe this one.
  if (parsed.data.fileName !== fileOfSidecar(sidecarName)) {
    return { ok: false, reason: `it describes ${JSON.stringify(parsed.data.fileName)}, not the file beside it` };
  }
  return { ok: true, sidecar: parsed.data };
}
