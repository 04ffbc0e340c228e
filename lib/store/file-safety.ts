import 'server-only';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DomainError } from '@/lib/errors';
import {
  HEAD_BYTES,
  qemuFailure,
  startsAsSparseVmdk,
  TAIL_BYTES,
  unsafeFileReason,
  unsafeHeaderReason,
  VMDK_AREA,
  type SafetyEvidence,
} from '@/lib/images/file-safety';
import { parseQemuInfo } from '@/lib/install/format';
import type { HeadAndTail } from './s3/head-and-tail';

const QEMU_TIMEOUT_MS = 120_000;

/**
 * Refuses a file in the portal's machine that is not self-contained (it names a backing file, a
 * data file or extents), throwing `Refusal` with the reason. The same checks as on a node: the
 * header always, then this machine's `qemu-img info` when it has qemu-img. Run before a file gets
 * its name in the store, so the store never holds one.
 */
export async function refuseUnlessSelfContained(file: string, Refusal: Refusal): Promise<void> {
  await refuseUnlessSafe(await readHeader(file), file, Refusal);
}

/**
 * The same for a file this host only saw go by (into the S3 store), from the bytes it kept: the
 * header checks, then `qemu-img info` on a sparse file of the same size holding just those bytes,
 * at `probePath`. They are the bytes qemu reads to name a backing file, a data file or extents.
 */
export async function refuseUnlessKeptBytesSafe(kept: HeadAndTail, probePath: string, Refusal: Refusal): Promise<void> {
  try {
    const probe = await fs.promises.open(probePath, 'w', 0o600);
    try {
      await probe.truncate(kept.size);
      await probe.write(kept.head, 0, kept.head.length, 0);
      await probe.write(kept.tail, 0, kept.tail.length, Math.max(0, kept.size - kept.tail.length));
    } finally {
      await probe.close();
    }
    await refuseUnlessSafe(kept.evidence(), probePath, Refusal);
  } finally {
    await fs.promises.rm(probePath, { force: true });
  }
}

type Refusal = new (message: string) => DomainError;

async function refuseUnlessSafe(evidence: SafetyEvidence, file: string, Refusal: Refusal): Promise<void> {
  // qemu-img would open the files such a header names; it is not asked when the header already says no.
  const fromHeader = unsafeHeaderReason(evidence);
  if (fromHeader) throw new Refusal(fromHeader);
  const reason = unsafeFileReason({ ...evidence, ...(await qemuInfo(path.resolve(file))) });
  if (reason) throw new Refusal(reason);
}

async function readHeader(file: string): Promise<SafetyEvidence> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    };
    const head = await read(0, HEAD_BYTES);
    const vhdFooter = await read(Math.max(0, size - TAIL_BYTES), TAIL_BYTES);
    const vmdkArea = startsAsSparseVmdk(head) ? await read(VMDK_AREA.offset, VMDK_AREA.bytes) : undefined;
    return { head, vhdFooter, vmdkArea };
  } finally {
    await handle.close();
  }
}

/** `qemu-img info` on this machine, without a shell; nothing when qemu-img is not installed. */
function qemuInfo(file: string): Promise<Pick<SafetyEvidence, 'qemu' | 'qemuError'>> {
  return new Promise((resolve) => {
    execFile(
      'qemu-img',
      ['info', '--output=json', '--', file],
      { timeout: QEMU_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return resolve({});
        const qemu = err ? undefined : parseQemuInfo(stdout);
        if (qemu) return resolve({ qemu });
        if (err?.killed) return resolve({ qemuError: `it did not finish within ${QEMU_TIMEOUT_MS / 1000} s` });
        // The store's path means nothing to whoever uploaded the file.
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ qemuError: qemuFailure(code, stderr.split(file).join(path.basename(file))) });
      },
    );
  });
}
