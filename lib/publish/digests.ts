import 'server-only';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type DigestName = 'sha256' | 'md5' | 'sha512';

/**
 * Hashes a file in one streaming pass, with every digest asked for: memory stays at one read
 * buffer whatever the size. `onProgress` gets the bytes read so far.
 */
export async function hashFile(
  file: string,
  names: readonly DigestName[],
  options: { signal: AbortSignal; onProgress?: (bytes: number) => void },
): Promise<Record<DigestName, string | undefined>> {
  const hashes = names.map((name) => [name, crypto.createHash(name)] as const);
  let bytes = 0;
  await pipeline(
    fs.createReadStream(file, { highWaterMark: 1024 * 1024 }),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const [, hash] of hashes) hash.update(chunk);
        bytes += chunk.length;
        options.onProgress?.(bytes);
        callback();
      },
    }),
    { signal: options.signal },
  );
  const out: Record<DigestName, string | undefined> = { sha256: undefined, md5: undefined, sha512: undefined };
  for (const [name, hash] of hashes) out[name] = hash.digest('hex');
  return out;
}

/**
 * SHA-512 of a file, computed by coreutils' sha512sum in a child process: it runs on another CPU
 * while the upload streams the same file (from the page cache), so the digest costs no time of its
 * own. Falls back to hashing here if the program is missing.
 */
export function sha512InChild(file: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sha512sum', ['--binary', '--', file], { signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') hashFile(file, ['sha512'], { signal }).then((d) => resolve(d.sha512!), reject);
      else reject(error);
    });
    child.once('close', (code) => {
      const digest = /^([0-9a-f]{128}) /.exec(out)?.[1];
      if (code === 0 && digest) resolve(digest);
      else if (code !== null) reject(new Error(`sha512sum ${file} failed: ${err.trim() || `exit ${code}`}`));
    });
  });
}
