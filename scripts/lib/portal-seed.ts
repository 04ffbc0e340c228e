/**
 * Drives the portal's own domain operations from scripts and tests, exactly as the UI does:
 * the same validation, policy and audit, no shortcuts into the tables.
 */
import type { z } from 'zod';
import { runOperation, type ActionResult, type Operation } from '../../lib/actions/operation';
import type { UserContext } from '../../lib/auth/policy';
import { probeNode, registerNode } from '../../lib/nodes/operations';
import type { SshNode } from './sshd-node';

export function expectOk<T>(result: ActionResult<T>): T {
  if (!result.ok)
    throw new Error(
      `Expected success, got ${result.code}: ${result.error} ${JSON.stringify(result.fieldErrors ?? {})}`,
    );
  return result.data;
}

export async function runOk<S extends z.ZodType, R>(
  op: Operation<S, R>,
  input: unknown,
  user: UserContext,
): Promise<R> {
  return expectOk(await runOperation(op, input, user));
}

/** Registers a real sshd node the way the UI does: probe, then confirm the fingerprint it showed. */
export async function registerSshNode(
  user: UserContext,
  dataCenterId: string,
  node: Pick<SshNode, 'host' | 'port' | 'user' | 'imageDir' | 'privateKey'>,
  name: string,
) {
  const connection = {
    dataCenterId,
    name,
    host: node.host,
    port: String(node.port),
    sshUser: node.user,
    imageDir: node.imageDir,
  };
  const probed = await runOk(probeNode, { ...connection, privateKey: node.privateKey }, user);
  const registered = await runOk(
    registerNode,
    { ...connection, credentialId: probed.credentialId, hostKeyFingerprint: probed.fingerprint },
    user,
  );
  return { nodeId: registered.id, fingerprint: probed.fingerprint, credentialId: probed.credentialId };
}
