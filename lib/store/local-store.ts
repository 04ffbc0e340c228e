import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '@/lib/errors';
import type { ImageStore, IncomingFile, IncomingOptions, LocalFile, StoredFileReader, StoreStamp } from './backend';
import { refuseUnlessSelfContained } from './file-safety';
import { HashingFileSink } from './hashed-file';
import { checkedStoreName, isTempName } from './names';

/**
 * The image store as a directory of this host (`images/` in the data directory, the default).
 * A file comes in under its temporary name, is fsynced, checked, and renamed into place; the rename
 * is atomic, so a reader sees the whole file or none.
 */
export class LocalImageStore implements ImageStore {
  constructor(readonly dir: string) {}

  get where(): string {
    return this.dir;
  }

  /** The absolute path of a file inside the store; refuses any name that could leave it. */
  pathOf(name: string): string {
    const full = path.join(this.dir, checkedStoreName(name));
    // Belt and braces: the name pattern already forbids separators.
    if (path.dirname(full) !== this.dir)
      throw new ValidationError(`"${name}" is not a valid file name in the image store.`);
    return full;
  }

  async open(storeFile: string): Promise<StoredFileReader | undefined> {
    const handle = await fs.promises.open(this.pathOf(storeFile), 'r').catch(missingAsUndefined);
    if (!handle) return undefined;
    const { size } = await handle.stat();
    return {
      size,
      read: async (buffer, offset, length, position) => (await handle.read(buffer, offset, length, position)).bytesRead,
      close: () => handle.close(),
    };
  }

  async stamp(storeFile: string): Promise<StoreStamp | undefined> {
    const stat = await fs.promises.stat(this.pathOf(storeFile), { bigint: true }).catch(missingAsUndefined);
    if (!stat) return undefined;
    return {
      sizeBytes: Number(stat.size),
      mtime: String(stat.mtimeNs),
      ctime: String(stat.ctimeNs),
      inode: String(stat.ino),
    };
  }

  async receive({ storeFile, tempName, limit, tooLarge }: IncomingOptions): Promise<IncomingFile> {
    const finalPath = this.pathOf(storeFile);
    const tempPath = this.pathOf(tempName);
    await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
    // The sink fsyncs before it finishes, so the rename never publishes a file still in the page cache.
    const sink = new HashingFileSink(tempPath, ['sha256', 'md5', 'sha1'], {
      expectedBytes: limit,
      onBytes: (bytes) => (bytes > limit ? tooLarge() : undefined),
    });
    return {
      sink,
      commit: async (Refusal) => {
        await refuseUnlessSelfContained(tempPath, Refusal);
        await fs.promises.rename(tempPath, finalPath);
        await syncDirectory(this.dir);
      },
      discard: () => fs.promises.rm(tempPath, { force: true }),
    };
  }

  async localFile(storeFile: string): Promise<LocalFile> {
    return { path: this.pathOf(storeFile), release: async () => {} };
  }

  async remove(storeFile: string): Promise<void> {
    await fs.promises.rm(this.pathOf(storeFile), { force: true });
  }

  localBytesFor(bytes: number): number {
    return bytes;
  }

  async removeAbandoned(isHeld: (tempName: string) => Promise<boolean>): Promise<number> {
    return await removeAbandonedIn(this.dir, isHeld);
  }
}

/** Removes the temporary files in `dir` that no live process holds. */
export async function removeAbandonedIn(dir: string, isHeld: (tempName: string) => Promise<boolean>): Promise<number> {
  if (!fs.existsSync(dir)) return 0;
  let removed = 0;
  for (const name of await fs.promises.readdir(dir)) {
    if (!isTempName(name) || (await isHeld(name))) continue;
    await fs.promises.rm(path.join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/** Makes a rename itself durable across a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function missingAsUndefined(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'ENOENT') return undefined;
  throw err;
}
