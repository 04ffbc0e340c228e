import 'server-only';
import { errorMessage } from '@/lib/errors';
import { targetFor } from '@/lib/publish/targets';
import { CloudError } from '@/lib/publish/target';
import { loadConnection, recordConnectionTest, type CloudAccountRow } from './accounts';

const TEST_TIMEOUT_MS = 20_000;

export type ConnectionTestResult = { ok: true } | { ok: false; reason: string; message: string };

/**
 * Tries the account's credentials with one cheap read (a one-item listing) and records the outcome.
 * The message is the target's own plain words: wrong credentials, no such bucket, unreachable, TLS.
 */
export async function testCloudConnection(account: CloudAccountRow): Promise<ConnectionTestResult> {
  let result: ConnectionTestResult;
  try {
    await targetFor(loadConnection(account)).testConnection(AbortSignal.timeout(TEST_TIMEOUT_MS));
    result = { ok: true };
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
    result = {
      ok: false,
      reason: err instanceof CloudError ? err.reason : timedOut ? 'unreachable' : 'other',
      message: timedOut
        ? `No answer within ${TEST_TIMEOUT_MS / 1000} seconds: the endpoint is unreachable.`
        : errorMessage(err),
    };
  }
  await recordConnectionTest(account.id, result.ok ? null : result.message);
  return result;
}
