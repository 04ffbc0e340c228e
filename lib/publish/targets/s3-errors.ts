import 'server-only';
import { CloudError } from '@/lib/publish/target';
import { s3ErrorCode, type S3ServiceError } from '@/lib/s3/errors';
import { findOutboundRefusal, isAbort, networkFailure } from './network-errors';

/**
 * What an S3 SDK error means to an operator: a service error by its code (lib/s3/errors.ts), a
 * network failure by Node's own error (ECONNREFUSED, a TLS code), sometimes wrapped.
 */

const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'AuthorizationHeaderMalformed',
  'Forbidden',
]);
const THROTTLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeTooSkewed',
]);

/** Maps any failure of an S3 call to the error the job should see; an abort or a refusal passes through unchanged. */
export function s3Failure(err: unknown, where: { endpoint: string; bucket: string }): unknown {
  const refused = findOutboundRefusal(err);
  if (refused) return refused;
  if (!(err instanceof Error) || err instanceof CloudError || isAbort(err)) return err;
  const network = networkFailure(err, where.endpoint);
  if (network) return network;

  const code = s3ErrorCode(err)!;
  const status = (err as S3ServiceError).$metadata?.httpStatusCode;
  const detail = `${code}${err.message && err.message !== code && err.message !== 'UnknownError' ? `: ${err.message}` : ''}`;
  if (code === 'NoSuchUpload')
    return new CloudError(
      'other',
      `The multipart upload to the bucket "${where.bucket}" is gone (aborted, or expired by a lifecycle rule); the next attempt starts it again.`,
      true,
      { cause: err },
    );
  if (code === 'NoSuchBucket')
    return new CloudError('not-found', `The bucket "${where.bucket}" does not exist at ${where.endpoint}.`, false, {
      cause: err,
    });
  if (CREDENTIAL_CODES.has(code) || status === 403 || status === 401) {
    const hint =
      code === 'AccessDenied' || code === 'Forbidden'
        ? `the access key is not allowed to use the bucket "${where.bucket}"`
        : 'check the access key ID and the secret access key';
    return new CloudError('credentials', `${where.endpoint} refused the credentials (${detail}): ${hint}.`, false, {
      cause: err,
    });
  }
  if (THROTTLE_CODES.has(code) || (status !== undefined && status >= 500))
    return new CloudError('other', `${where.endpoint} failed for now (${status ?? ''} ${detail}).`.trim(), true, {
      cause: err,
    });
  if (status === 404) return new CloudError('not-found', `${where.endpoint}: ${detail}.`, false, { cause: err });
  return new CloudError('other', `${where.endpoint}: ${detail}.`, false, { cause: err });
}
