import 'server-only';
import type { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import {
  AnonymousCredential,
  ContainerClient,
  newPipeline,
  Pipeline,
  StorageSharedKeyCredential,
  type RequestPolicyFactory,
} from '@azure/storage-blob';
import { z } from 'zod';
import type { AzureBlobSecrets, AzureBlobSettings } from '@/lib/clouds/settings';
import { assertOutboundUrl, guardedAgents } from '@/lib/net/guarded-agents';
import { OutboundRefusedError } from '@/lib/net/outbound';
import { CloudError, type RemoteState } from '@/lib/publish/target';
import { azureFailure } from './azure-errors';

// The SDK's own retries of throttles, 5xx and resets; a try taking longer than this is abandoned.
const RETRY_OPTIONS = { maxTries: 3, retryDelayInMs: 1_000, maxRetryDelayInMs: 10_000, tryTimeoutInMs: 120_000 };

/** The container of one account, reached through the outbound guard with its SAS token or shared key. */
export class AzureConnection {
  readonly accountUrl: string;
  readonly container: string;

  constructor(
    private readonly settings: AzureBlobSettings,
    private readonly secrets: AzureBlobSecrets,
  ) {
    this.accountUrl = settings.accountUrl.replace(/[?#].*$/, '').replace(/\/+$/, '');
    this.container = settings.container;
  }

  /** Runs `fn` with a client whose agents are closed afterwards, and maps what it throws. */
  async run<T>(signal: AbortSignal, fn: (container: ContainerClient) => Promise<T>): Promise<T> {
    const agents = guardedAgents();
    const refusals: OutboundRefusedError[] = [];
    try {
      assertOutboundUrl(this.accountUrl);
      const agent = new URL(this.accountUrl).protocol === 'https:' ? agents.httpsAgent : agents.httpAgent;
      noteRefusals(agent, refusals);
      return await fn(this.client(agent));
    } catch (err) {
      // The SDK turns a socket's error into a RestError of the same message, the refusal's class lost.
      if (refusals[0]) throw refusals[0];
      throw azureFailure(err, { accountUrl: this.accountUrl, container: this.container }, signal);
    } finally {
      agents.httpAgent.destroy();
      agents.httpsAgent.destroy();
    }
  }

  private client(agent: Agent) {
    const containerUrl = `${this.accountUrl}/${encodeURIComponent(this.container)}`;
    // Every request of the pipeline goes through the guarded agent: the SDK's own pool is never used.
    const useAgent: RequestPolicyFactory = {
      create: (next) => ({
        sendRequest: (request) => {
          request.agent = agent;
          return next.sendRequest(request);
        },
      }),
    };
    if (this.settings.auth === 'sas') {
      const sas = this.secrets.sasToken?.replace(/^\?/, '');
      if (!sas) throw new CloudError('credentials', 'The account has no SAS token; enter it in the account settings.');
      const credential = new AnonymousCredential();
      const options = newPipeline(credential, { retryOptions: RETRY_OPTIONS }).options;
      return new ContainerClient(`${containerUrl}?${sas}`, new Pipeline([credential, useAgent], options));
    }
    const key = this.secrets.accountKey;
    if (!key) throw new CloudError('credentials', 'The account has no account key; enter it in the account settings.');
    const name = this.settings.accountName ?? accountNameOf(this.accountUrl);
    if (!name)
      throw new CloudError(
        'credentials',
        `Enter the storage account's name: it cannot be read from ${this.accountUrl}.`,
      );
    const credential = new StorageSharedKeyCredential(name, key);
    const options = newPipeline(credential, { retryOptions: RETRY_OPTIONS }).options;
    return new ContainerClient(containerUrl, new Pipeline([credential, useAgent], options));
  }
}

/** Keeps each refusal the agent's guarded lookup makes, so that run() can throw it as it is. */
function noteRefusals(agent: Agent, refusals: OutboundRefusedError[]): void {
  const options = (agent as Agent & { options: { lookup?: LookupFunction } }).options;
  const lookup = options.lookup;
  if (!lookup) return;
  options.lookup = (hostname, lookupOptions, callback) =>
    lookup(hostname, lookupOptions, ((err: NodeJS.ErrnoException | null, ...rest: unknown[]) => {
      if (err instanceof OutboundRefusedError) refusals.push(err);
      (callback as (err: NodeJS.ErrnoException | null, ...rest: unknown[]) => void)(err, ...rest);
    }) as Parameters<LookupFunction>[2]);
}

/** `<name>.blob.core.windows.net`, or Azurite's path-style http://host:port/<name>. */
function accountNameOf(accountUrl: string): string | undefined {
  const url = new URL(accountUrl);
  const subdomain = /^([a-z0-9]{3,24})\.blob\./.exec(url.hostname)?.[1];
  return subdomain ?? (url.pathname.split('/').find(Boolean) || undefined);
}

/** A blob's URL as an operator may see it: never with the SAS token. */
export function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed.toString();
}

/** What an Azure upload saves: the page blob once created, and `completed` once all its pages and its Content-MD5 are set. */
const azureState = z.object({
  container: z.string(),
  blobName: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** Of the file sent: another file's pages are never resumed. */
  sha256: z.string(),
  completed: z.boolean().default(false),
});
export type AzureState = z.infer<typeof azureState>;

export function parseAzureState(state: RemoteState | undefined): AzureState | undefined {
  const parsed = azureState.safeParse(state);
  return parsed.success ? parsed.data : undefined;
}
