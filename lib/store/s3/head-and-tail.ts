import { HEAD_BYTES, startsAsSparseVmdk, TAIL_BYTES, VMDK_AREA, type SafetyEvidence } from '@/lib/images/file-safety';

/** The first bytes a safety check reads: the header, and a sparse VMDK's descriptor area after it. */
const HEAD_KEEP = Math.max(HEAD_BYTES, VMDK_AREA.offset + VMDK_AREA.bytes);

/**
 * The bytes of a stream that the safety checks read (lib/images/file-safety.ts), kept as the stream
 * passes: its start and its last bytes. For a file that goes somewhere this host cannot read it back
 * from cheaply (the S3 store).
 */
export class HeadAndTail {
  private headParts: Buffer[] = [];
  private headBytes = 0;
  private tailBuffer: Buffer = Buffer.alloc(0);
  size = 0;

  update(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.headBytes < HEAD_KEEP) {
      const take = chunk.subarray(0, HEAD_KEEP - this.headBytes);
      this.headParts.push(Buffer.from(take));
      this.headBytes += take.length;
    }
    const joined = chunk.length >= TAIL_BYTES ? chunk : Buffer.concat([this.tailBuffer, chunk]);
    this.tailBuffer = Buffer.from(joined.subarray(Math.max(0, joined.length - TAIL_BYTES)));
  }

  /** The start of the file, up to the end of a sparse VMDK's descriptor area. */
  get head(): Buffer {
    if (this.headParts.length > 1) this.headParts = [Buffer.concat(this.headParts)];
    return this.headParts[0] ?? Buffer.alloc(0);
  }

  get tail(): Buffer {
    return this.tailBuffer;
  }

  /** What the header checks read, as readHeader of lib/store/file-safety.ts reads it from a file. */
  evidence(): SafetyEvidence {
    const head = this.head;
    const first = head.subarray(0, HEAD_BYTES);
    return {
      head: first,
      vhdFooter: this.tail,
      vmdkArea: startsAsSparseVmdk(first)
        ? head.subarray(VMDK_AREA.offset, VMDK_AREA.offset + VMDK_AREA.bytes)
        : undefined,
    };
  }
}
