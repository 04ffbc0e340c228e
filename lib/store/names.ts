import { ValidationError } from '@/lib/errors';

/**
 * The names of files in the image store: the image id and its disk format, so no user text reaches
 * a path or an object key, and a file is recognisable for what it is.
 */

/** Plain file names only: no separators, no `.`/`..`, nothing hidden, nothing a shell would trip on. */
const STORE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

const TEMP_SUFFIX = '.upload';

/** Refuses any name that could leave the store; returns it unchanged. */
export function checkedStoreName(name: string): string {
  if (!STORE_FILE.test(name) || name.includes('..'))
    throw new ValidationError(`"${name}" is not a valid file name in the image store.`);
  return name;
}

/** The final name of an image's file. */
export function storeFileName(imageId: string, diskFormat: string): string {
  return `${imageId}.${diskFormat}`;
}

/** The name an upload or import is written under until it is complete and verified; never read as an image. */
export function uploadTempName(imageId: string): string {
  return `${imageId}${TEMP_SUFFIX}`;
}

export function isTempName(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX);
}

/** The temporary name that goes with a final one: both start with the image id. */
export function tempNameOf(storeFile: string): string {
  return uploadTempName(storeFile.replace(/\.[^.]*$/, ''));
}
