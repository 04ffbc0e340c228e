/**
 * Reading the S3 SDK's errors. The SDK names a service error by its S3 code (`err.name`, e.g.
 * NoSuchBucket; some servers put it in `Code`) and carries the HTTP status in `$metadata`.
 */

export type S3ServiceError = Error & { $metadata?: { httpStatusCode?: number }; Code?: string };

/** The S3 error code of a failure, for the places that act on one (NoSuchUpload, NotImplemented). */
export function s3ErrorCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  return (err as S3ServiceError).Code ?? err.name;
}

/** Whether the error says the object (or the multipart upload) is not there. */
export function isMissing(err: unknown): boolean {
  const code = s3ErrorCode(err);
  return (
    code === 'NotFound' ||
    code === 'NoSuchKey' ||
    code === 'NoSuchUpload' ||
    (err as S3ServiceError | null)?.$metadata?.httpStatusCode === 404
  );
}
