import 'server-only';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { S3Secrets, S3Settings } from '@/lib/clouds/settings';
import { assertOutboundUrl, guardedAgents } from '@/lib/net/guarded-agents';
import { newS3Client } from '@/lib/s3/client';
import { CloudError, type PublishedImageAttributes, type PublishFile, type RemoteState } from '@/lib/publish/target';
import { s3Failure } from './s3-errors';

/**
 * The SDK logs every failed command as an error, and warns of every failed request with a stream
 * body (which it does not retry): each failure is thrown to the job, which reports it, and the
 * upload loop retries parts itself. Other warnings still reach the console.
 */
const SDK_LOGGER = {
  debug: () => {},
  info: () => {},
  warn: (...args: unknown[]) => {
    if (!String(args[0]).includes('non-retryable streaming request')) console.warn(...args);
  },
  error: () => {},
};

/** The S3 connection of one account: its bucket and endpoint, and clients that go through the outbound guard. */
export class S3Connection {
  readonly endpoint: string;
  readonly bucket: string;

  constructor(
    private readonly settings: S3Settings,
    private readonly secrets: S3Secrets,
  ) {
    this.bucket = settings.bucket;
    this.endpoint = settings.endpoint?.replace(/\/+$/, '') ?? `https://s3.${settings.region}.amazonaws.com`;
  }

  /**
   * Runs `fn` with a fresh client, destroyed afterwards (its pooled sockets with it), and maps what
   * it throws. A client per call also checks the endpoint against the outbound rule as it is now.
   */
  async run<T>(fn: (client: S3Client) => Promise<T>): Promise<T> {
    let client: S3Client | undefined;
    try {
      if (this.settings.endpoint) assertOutboundUrl(this.settings.endpoint);
      client = this.client();
      return await fn(client);
    } catch (err) {
      throw s3Failure(err, { endpoint: this.endpoint, bucket: this.bucket });
    } finally {
      client?.destroy();
    }
  }

  private client(): S3Client {
    const secretAccessKey = this.secrets.secretAccessKey;
    if (!secretAccessKey)
      throw new CloudError('credentials', 'The account has no secret access key; enter it in the account settings.');
    return newS3Client({ ...this.settings, secretAccessKey }, guardedAgents(), SDK_LOGGER);
  }
}

/** `<prefix><name>-<version>.<format>`: what an operator looks for in the bucket. */
export function objectKey(prefix: string, image: PublishedImageAttributes, file: PublishFile): string {
  return `${prefix}${image.name}-${image.version}.${file.diskFormat}`;
}

export function manifestKey(key: string): string {
  return `${key}.manifest.json`;
}

const savedPart = z.object({ partNumber: z.number().int().min(1), etag: z.string(), sha256: z.string().optional() });
export type SavedPart = z.infer<typeof savedPart>;

/**
 * What an S3 upload saves as it goes: the multipart upload as soon as it exists, each part as it is
 * committed (for a server without ListParts), then `completed` once the object exists, and
 * `manifestWritten` once its manifest does.
 */
const s3State = z.object({
  bucket: z.string(),
  key: z.string(),
  uploadId: z.string(),
  /** Of the file sent: parts of another file are never resumed. */
  sha256: z.string(),
  partSize: z.number().int().positive(),
  parts: z.array(savedPart).default([]),
  completed: z.boolean().default(false),
  etag: z.string().optional(),
  manifestWritten: z.boolean().default(false),
  manifestMd5: z.string().optional(),
});
export type S3State = z.infer<typeof s3State>;

/** The saved state, or undefined when there is none or it is not an S3 upload's. */
export function parseS3State(state: RemoteState | undefined): S3State | undefined {
  const parsed = s3State.safeParse(state);
  return parsed.success ? parsed.data : undefined;
}
