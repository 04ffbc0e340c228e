/** Helpers for integration tests that drive the portal's real domain operations. */
import { eq } from 'drizzle-orm';
import type { ActionResult, Operation } from '@/lib/actions/operation';
import { runOperation } from '@/lib/actions/operation';
import { createUser, loadUserContext } from '@/lib/auth/users';
import type { UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { jobs } from '@/lib/db/schema';
import { createImage } from '@/lib/images/operations';
import { installImage } from '@/lib/install/operations';
import { getJobRunner } from '@/lib/jobs/runner';
import { createDataCenter } from '@/lib/locations/operations';
import { probeNode, registerNode } from '@/lib/nodes/operations';
import type { SshNode } from '@/scripts/lib/sshd-node';
import type { z } from 'zod';

export function expectOk<T>(result: ActionResult<T>): T {
  if (!result.ok) throw new Error(`Expected success, got ${result.code}: ${result.error} ${JSON.stringify(result.fieldErrors ?? {})}`);
  return result.data;
}

export async function run<S extends z.ZodType, R>(op: Operation<S, R>, input: unknown, user: UserContext | null) {
  return runOperation(op, input, user);
}

let counter = 0;

export async function createSuperAdmin(): Promise<UserContext> {
  const id = await createUser({ username: `admin${++counter}`, password: 'correct horse battery', isSuperAdmin: true });
  return loadUserContext(id)!;
}

export async function createDataCenterAs(user: UserContext, code = `dc-${++counter}`) {
  return expectOk(await run(createDataCenter, { code, name: `Data center ${code}` }, user)).id;
}

/** Registers a real sshd node the way the UI does: probe, then confirm the fingerprint it showed. */
export async function registerSshNode(user: UserContext, dataCenterId: string, node: SshNode, name = `node-${++counter}`) {
  const connection = { dataCenterId, name, host: node.host, port: String(node.port), sshUser: node.user, imageDir: node.imageDir };
  const probed = expectOk(await run(probeNode, { ...connection, privateKey: node.privateKey }, user));
  const registered = expectOk(
    await run(registerNode, { ...connection, credentialId: probed.credentialId, hostKeyFingerprint: probed.fingerprint }, user),
  );
  return { nodeId: registered.id, fingerprint: probed.fingerprint, credentialId: probed.credentialId };
}

export async function createUrlImage(user: UserContext, fields: Record<string, unknown>) {
  const input = { version: '1', osType: 'linux', category: 'Linux', diskFormat: 'qcow2', containerFormat: 'bare', ...fields };
  return expectOk(await run(createImage, input, user)).id;
}

/** Queues an install and waits for the job to finish; returns the job row. */
export async function installAndWait(user: UserContext, imageId: string, nodeId: string) {
  const { jobId } = expectOk(await run(installImage, { imageId, nodeId }, user));
  await getJobRunner().waitFor(jobId);
  return getDb().select().from(jobs).where(eq(jobs.id, jobId)).get()!;
}
