import 'server-only';
import { CloudError } from '@/lib/publish/target';
import { findOutboundRefusal, isAbort, networkFailure } from './network-errors';

/**
 * What an Azure Storage error means to an operator. The SDK throws a RestError with the service's
 * error code (`code`, from x-ms-error-code) and the HTTP status, or with Node's own code for a
 * network failure (ECONNREFUSED).
 */

const CREDENTIAL_CODES = new Set([
  'AuthenticationFailed',
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'AuthorizationResourceTypeMismatch',
  'AuthorizationServiceMismatch',
  'AuthorizationSourceIPMismatch',
  'AuthorizationProtocolMismatch',
  'InvalidAuthenticationInfo',
  'NoAuthenticationInformation',
]);
const BUSY_CODES = new Set(['ServerBusy', 'OperationTimedOut', 'InternalError']);

type RestErrorLike = Error & { code?: string; statusCode?: number };

/**
 * Maps a failure of an Azure call to the error the job should see. The portal's refusal to connect
 * and a stop the caller asked for pass through unchanged; an abort the caller did not ask for is
 * the SDK giving up on a try that took too long.
 */
export function azureFailure(
  err: unknown,
  where: { accountUrl: string; container: string },
  signal: AbortSignal,
): unknown {
  const refused = findOutboundRefusal(err);
  if (refused) return refused;
  if (!(err instanceof Error) || err instanceof CloudError) return err;
  if (isAbort(err)) {
    if (signal.aborted) return err;
    return new CloudError('unreachable', `Could not reach ${where.accountUrl}: the request timed out.`, true, {
      cause: err,
    });
  }
  const e = err as RestErrorLike;
  const code = e.code ?? '';
  const status = e.statusCode;
  const network = status === undefined ? networkFailure(err, where.accountUrl) : undefined;
  if (network) return network;
  const detail = `${code || status || 'error'}: ${firstLine(e.message)}`;
  if (code === 'ContainerNotFound')
    return new CloudError(
      'not-found',
      `The container "${where.container}" does not exist at ${where.accountUrl}.`,
      false,
      {
        cause: err,
      },
    );
  if (CREDENTIAL_CODES.has(code) || status === 403 || status === 401)
    return new CloudError(
      'credentials',
      `${where.accountUrl} refused the credentials (${detail}): check the account key or SAS token, its permissions and its expiry.`,
      false,
      { cause: err },
    );
  if (BUSY_CODES.has(code) || (status !== undefined && status >= 500))
    return new CloudError('other', `${where.accountUrl} failed for now (${detail}).`, true, { cause: err });
  if (status === 404) return new CloudError('not-found', `${where.accountUrl}: ${detail}.`, false, { cause: err });
  return new CloudError('other', `${where.accountUrl}: ${detail}.`, false, { cause: err });
}

// Azure's messages carry a RequestId and a Time on lines of their own.
function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
