import path from 'node:path';
import { ValidationError } from '@/lib/errors';
import { SIDECAR_SUFFIX } from '@/lib/install/sidecar';

/**
 * Every path the portal touches on a node is built here and confined to the node's image
 * directory. A file name may not contain a slash, so it cannot climb out.
 */
export function pathInImageDir(imageDir: string, fileName: string): string {
  if (!imageDir.startsWith('/') || imageDir === '/' || path.posix.normalize(imageDir).replace(/\/$/, '') !== imageDir) {
    throw new ValidationError(`The node's image directory "${imageDir}" is not a normalised absolute path.`);
  }
  if (
    !fileName ||
    fileName === '.' ||
    fileName === '..' ||
    /[/\0\n]/.test(fileName) ||
    Buffer.byteLength(fileName) > 200
  ) {
    throw new ValidationError(`"${fileName}" is not a safe file name for a node.`);
  }
  const full = path.posix.join(imageDir, fileName);
  if (path.posix.dirname(full) !== imageDir)
    throw new ValidationError(`"${fileName}" would leave the image directory.`);
  return full;
}

export type ImageFiles = {
  file: string;
  /** The transfer in progress; kept between attempts so the next one resumes. */
  part: string;
  /** Which image content the `.part` holds, so a resume never appends to another image's bytes. */
  partSource: string;
  /** The process id of the download writing the `.part`, so it can be stopped (cancel, restart). */
  partPid: string;
  manifest: string;
  manifestPart: string;
};

/** The image's file, its in-progress `.part` and helpers, and its sidecar, all in imageDir. */
export function imageFilesOnNode(imageDir: string, fileName: string): ImageFiles {
  return {
    file: pathInImageDir(imageDir, fileName),
    part: pathInImageDir(imageDir, `${fileName}.part`),
    partSource: pathInImageDir(imageDir, `${fileName}.part.source`),
    partPid: pathInImageDir(imageDir, `${fileName}.part.pid`),
    manifest: pathInImageDir(imageDir, `${fileName}${SIDECAR_SUFFIX}`),
    manifestPart: pathInImageDir(imageDir, `${fileName}${SIDECAR_SUFFIX}.part`),
  };
}

/**
 * The same files for a path recorded earlier (node_images.path). A recorded path is trusted only
 * while it still lies directly in the node's image directory.
 */
export function imageFilesAt(imageDir: string, filePath: string): ImageFiles {
  if (path.posix.dirname(filePath) !== imageDir) {
    throw new ValidationError(
      `The recorded file ${filePath} is not in the node's image directory ${imageDir}; the portal does not touch it.`,
    );
  }
  return imageFilesOnNode(imageDir, path.posix.basename(filePath));
}
