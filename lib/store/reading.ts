import 'server-only';
import type { StoredFileReader } from './backend';

const CHUNK = 1024 * 1024;

/**
 * The bytes [start, stop) of a stored file, front to back, in fresh buffers of up to 1 MiB each, so
 * a consumer may keep them. Throws when the file ends before `stop`: it changed under the reader.
 */
export async function* readerChunks(reader: StoredFileReader, start = 0, stop = reader.size): AsyncGenerator<Buffer> {
  for (let position = start; position < stop;) {
    const buffer = Buffer.allocUnsafeSlow(Math.min(CHUNK, stop - position));
    const bytesRead = await reader.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) throw new Error(`the image file ended at byte ${position} of ${stop}`);
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}
