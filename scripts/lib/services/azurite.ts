/**
 * A real Azure Blob service for tests: Azurite's blob service (npm `azurite`, its `azurite-blob`
 * bin) on a loopback address and a free high port, with its own workspace directory, in a child
 * process killed on stop() and when the test process exits. It serves the one well-known emulator
 * account, devstoreaccount1, path-style: http://host:port/devstoreaccount1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { freePort, listeningChild } from '../ports';

/** Azurite's built-in account and key, published in its documentation. */
const ACCOUNT_NAME = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export type AzuriteOptions = {
  /** A 127.0.0.0/8 address of its own (the S3 and Azure tests use 127.0.0.190–194). */
  host: string;
};

/** One request as Azurite logged it on arrival: `range` is a Put Page's x-ms-range. */
export type AzuriteRequest = { method: string; url: string; range?: string };

export type AzuriteService = {
  /** http://host:port/devstoreaccount1 */
  accountUrl: string;
  accountName: string;
  accountKey: string;
  /** Where Azurite keeps its metadata and blob extents. */
  dataDir: string;
  /** Every request Azurite received so far, oldest first, from its debug log (aborted ones too). */
  requests(): Promise<AzuriteRequest[]>;
  /** A client with the account key, for tests to read what a target left behind. */
  serviceClient(): BlobServiceClient;
  createContainer(name: string): Promise<void>;
  /** A container SAS token (no leading "?"), for `permissions` such as "racwdl", valid for an hour. */
  containerSas(container: string, permissions?: string): string;
  stop(): Promise<void>;
};

export async function startAzurite(options: AzuriteOptions): Promise<AzuriteService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-azurite-'));
  const port = await freePort(options.host);
  const bin = azuriteBlobBin();
  const debugLog = path.join(dir, 'debug.log');
  const args = [
    bin,
    ...['--blobHost', options.host, '--blobPort', String(port), '--location', dir],
    // The SDK may speak a newer API version than this Azurite knows; the operations used here are old.
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    // Its debug log is the one record of each request, for tests to see what a client sent.
    ...['--debug', debugLog],
    // No network here, and no test should try to reach one.
    '--disableTelemetry',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await listeningChild(child, 'Azurite', options.host, port, () => output);

  const accountUrl = `http://${options.host}:${port}/${ACCOUNT_NAME}`;
  const credential = new StorageSharedKeyCredential(ACCOUNT_NAME, ACCOUNT_KEY);
  const serviceClient = () => new BlobServiceClient(accountUrl, credential);
  return {
    accountUrl,
    accountName: ACCOUNT_NAME,
    accountKey: ACCOUNT_KEY,
    dataDir: dir,
    async requests() {
      // Azurite writes its log asynchronously: give the last lines a moment to land.
      await new Promise((resolve) => setTimeout(resolve, 300));
      return parseRequests(debugLog);
    },
    serviceClient,
    async createContainer(name) {
      await serviceClient().getContainerClient(name).create();
    },
    containerSas(container, permissions = 'racwdl') {
      return generateBlobSASQueryParameters(
        {
          containerName: container,
          permissions: ContainerSASPermissions.parse(permissions),
          startsOn: new Date(Date.now() - 60_000),
          expiresOn: new Date(Date.now() + 3_600_000),
        },
        credential,
      ).toString();
    },
    async stop() {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const REQUEST_LINE = /RequestMethod=(\S+) RequestURL=(\S+) RequestHeaders:(\{.*?\}) ClientIP=/;

function parseRequests(debugLog: string): AzuriteRequest[] {
  if (!fs.existsSync(debugLog)) return [];
  return fs
    .readFileSync(debugLog, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = REQUEST_LINE.exec(line);
      if (!match) return [];
      const headers = JSON.parse(match[3]!) as Record<string, string>;
      return [{ method: match[1]!, url: match[2]!, range: headers['x-ms-range'] }];
    });
}

/** The `azurite-blob` bin of the project's dev dependency, run with this Node. */
function azuriteBlobBin(): string {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('azurite/package.json'));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  return path.join(root, pkg.bin['azurite-blob']!);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
