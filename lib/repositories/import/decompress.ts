import 'server-only';
import { spawn } from 'node:child_process';
import { Duplex, PassThrough, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { UnavailableError } from '@/lib/errors';

/** The compressions an IMGAPI file may have that the portal can undo. */
const SUPPORTED_COMPRESSIONS = ['none', 'gzip', 'bzip2'] as const;

export function assertSupportedCompression(compression: string): void {
  if (!(SUPPORTED_COMPRESSIONS as readonly string[]).includes(compression)) {
    throw new UnavailableError(
      `The image's file is compressed with ${compression}; the portal can import uncompressed, gzip and bzip2 files only.`,
    );
  }
}

/**
 * A stream that undoes the file's compression. bzip2 runs the system's `bzip2 -dc` (Debian package
 * bzip2): it streams, is far faster than a JavaScript decoder, and handles the multi-stream files
 * that parallel compressors write.
 */
export function decompressor(compression: string): Transform | Duplex {
  assertSupportedCompression(compression);
  if (compression === 'gzip') return zlib.createGunzip();
  if (compression === 'bzip2') return bunzip2();
  return new PassThrough();
}

function bunzip2(): Duplex {
  const child = spawn('bzip2', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const output = new PassThrough();
  child.stdout.pipe(output, { end: false });
  // The output ends only once bzip2 has exited well, so a corrupt file is an error, not a short file.
  child.on('close', (code) => {
    if (code === 0) output.end();
    else
      output.destroy(
        new UnavailableError(
          `bzip2 could not decompress the file: ${Buffer.concat(stderr).toString().trim() || `exit code ${code}`}.`,
        ),
      );
  });
  child.on('error', (err) =>
    output.destroy(new UnavailableError(`bzip2 could not be started (${err.message}); install the bzip2 package.`)),
  );
  const duplex = Duplex.from({ writable: child.stdin, readable: output });
  duplex.on('close', () => child.kill());
  return duplex;
}
