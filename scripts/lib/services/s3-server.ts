/**
 * A real S3-compatible server for tests: s3rver (npm) on a loopback address and a free high port,
 * with its own temporary directory, in a child process killed on stop() and when the test process
 * exits.
 *
 * s3rver 3.7.1 falls short of S3 in two ways that matter to a publish target, both made good in
 * the child (see CHILD_PROGRAM):
 * - it lacks ListParts, AbortMultipartUpload and ListMultipartUploads (it answers 405 or 501), which
 *   resuming and discarding need. With `multipartListing` (the default) the child adds them on
 *   s3rver's own store layout (`<bucket>/._S3rver_uploads/<upload id>/{key,<n>,<n>.md5}`), as AWS,
 *   Ceph and MinIO have them; without it, they stay missing, as published.
 * - it takes any SigV4 signature of a known access key. The child checks each signature with the
 *   AWS SDK's own signer, so a wrong secret key is refused with SignatureDoesNotMatch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, listeningChild } from '../ports';

/** The key pair s3rver registers by default; any other access key id is refused with InvalidAccessKeyId. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

export type S3ServerOptions = {
  /** A 127.0.0.0/8 address of its own (the S3 and Azure tests use 127.0.0.190–194). */
  host: string;
  /** Add ListParts, AbortMultipartUpload and ListMultipartUploads (see above); true by default. */
  multipartListing?: boolean;
};

/** One request the server received (cut off ones too), and its answer's status once it gave one. */
export type S3Request = { method: string; path: string; query: Record<string, string>; status: number | undefined };

export type S3Server = {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where s3rver keeps buckets, objects and unfinished uploads. */
  dataDir: string;
  createBucket(name: string): Promise<void>;
  /** Every request received so far, oldest first. */
  requests(): Promise<S3Request[]>;
  stop(): Promise<void>;
};

export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-s3rver-'));
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  const port = await freePort(options.host);
  // The child requires s3rver and the SDK's signer by the paths this module resolves them to.
  const require = createRequire(import.meta.url);
  const config = JSON.stringify({
    s3rver: path.dirname(require.resolve('s3rver/package.json')),
    signer: require.resolve('@smithy/signature-v4'),
    host: options.host,
    port,
    dataDir,
    extend: options.multipartListing ?? true,
  });
  const child = spawn(process.execPath, ['-e', CHILD_PROGRAM, config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const requests = new Map<number, S3Request>();
  let output = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, json] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
      if (kind === 'REQUEST') {
        const { id, ...request } = JSON.parse(json) as Omit<S3Request, 'status'> & { id: number };
        requests.set(id, { ...request, status: undefined });
      } else if (kind === 'RESPONSE') {
        const { id, status } = JSON.parse(json) as { id: number; status: number };
        const request = requests.get(id);
        if (request) request.status = status;
      } else output += `${line}\n`;
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await listeningChild(child, 's3rver', options.host, port, () => output);

  const endpoint = `http://${options.host}:${port}`;
  let syncs = 0;
  const region = 'us-east-1';
  const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY };
  return {
    endpoint,
    region,
    ...credentials,
    dataDir,
    async createBucket(name) {
      // A plain client: the harness is not the portal, and its requests need no outbound guard.
      const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials });
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        client.destroy();
      }
    },
    async requests() {
      // The log comes through a pipe, behind the answers: a request of our own, once logged, says
      // every request before it is too.
      const token = String(++syncs);
      await fetch(`${endpoint}/?cbp-sync=${token}`).then((r) => r.arrayBuffer());
      const deadline = Date.now() + 5000;
      while (![...requests.values()].some((r) => r.query['cbp-sync'] === token)) {
        if (Date.now() > deadline) throw new Error(`s3rver did not log its requests: ${output.trim()}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return [...requests.values()].filter((r) => !('cbp-sync' in r.query)).map((r) => ({ ...r }));
    },
    async stop() {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * The child: s3rver; log lines on stdout (`REQUEST {json}` on arrival, `RESPONSE {json}` once
 * answered) for the tests to count what a client sent; SigV4 signatures checked; and the three
 * multipart operations s3rver lacks. Plain CommonJS, run with `node -e`, as s3rver itself is.
 */
const CHILD_PROGRAM = String.raw`
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { s3rver, signer, host, port, dataDir, extend } = JSON.parse(process.argv[1]);
const S3rver = require(s3rver);
const { SignatureV4 } = require(signer);
const S3Error = require(path.join(s3rver, 'lib/models/error'));
const AWSAccount = require(path.join(s3rver, 'lib/models/account'));

const app = new S3rver({ address: host, port, directory: dataDir, silent: true });
const uploadsDir = (bucket) => path.join(dataDir, bucket, '._S3rver_uploads');

// Each request as it arrives (so one the client cuts off is there too), then its answer's status.
let lastId = 0;
function logRequests(ctx, next) {
  const id = ++lastId;
  process.stdout.write('REQUEST ' + JSON.stringify({ id, method: ctx.method, path: ctx.path, query: { ...ctx.query } }) + '\n');
  const answered = (status) => process.stdout.write('RESPONSE ' + JSON.stringify({ id, status }) + '\n');
  return next().then(
    () => answered(ctx.status),
    (err) => {
      answered(err.status || 500);
      throw err;
    },
  );
}

// s3rver 3.7.1 takes any SigV4 signature of a known key. Here each request is signed again, with
// the AWS SDK's own signer, the key's secret and what the client signed (its headers, date and
// payload hash); a different signature is a wrong secret, as S3 would say.
class Sha256 {
  constructor(secret) {
    this.hash = secret ? crypto.createHmac('sha256', secret) : crypto.createHash('sha256');
  }
  update(data) {
    this.hash.update(typeof data === 'string' ? Buffer.from(data) : data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}
async function checkSignature(ctx, next) {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(ctx.get('authorization'));
  const account = auth && AWSAccount.registry.get(auth[1]);
  if (!auth || !account) return next(); // unsigned, or an unknown key: s3rver's own check answers
  const [, accessKeyId, , region, signedHeaders, signature] = auth;
  const headers = {};
  for (const name of signedHeaders.split(';')) headers[name] = ctx.get(name);
  const [, y, mo, d, h, mi, sec] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(ctx.get('x-amz-date')) || [];
  const request = {
    method: ctx.method,
    protocol: 'http:',
    hostname: host,
    port,
    path: ctx.req.url.split('?')[0],
    query: { ...ctx.query },
    headers,
  };
  const secretAccessKey = account.accessKeys.get(accessKeyId);
  const sig = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const signed = await sig.sign(request, { signingDate: new Date(Date.UTC(y, mo - 1, d, h, mi, sec)) });
  const expected = /Signature=([0-9a-f]+)/.exec(signed.headers.authorization)[1];
  if (expected !== signature)
    throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', { AWSAccessKeyId: accessKeyId });
  return next();
}

// s3rver's own check, as its router applies it to every other request: the access key must exist.
function requireKnownKey(ctx) {
  const match = /Credential=([^/]+)\//.exec(ctx.get('authorization'));
  if (!match || !AWSAccount.registry.get(match[1]))
    throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
}

function uploadDir(bucket, uploadId) {
  const dir = path.join(uploadsDir(bucket), path.basename(uploadId));
  if (!fs.existsSync(path.join(dir, 'key')))
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
  return dir;
}

async function multipartOperations(ctx, next) {
  const [, bucket, ...rest] = ctx.path.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const listParts = ctx.method === 'GET' && key && 'uploadId' in ctx.query && !('partNumber' in ctx.query);
  const abort = ctx.method === 'DELETE' && key && 'uploadId' in ctx.query;
  const listUploads = ctx.method === 'GET' && bucket && !key && 'uploads' in ctx.query;
  if (!listParts && !abort && !listUploads) return next();
  requireKnownKey(ctx);
  if (!fs.existsSync(path.join(dataDir, bucket)))
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  if (abort) {
    fs.rmSync(uploadDir(bucket, ctx.query.uploadId), { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  if (listParts) {
    const dir = uploadDir(bucket, ctx.query.uploadId);
    // A part counts once s3rver wrote its .md5, after the last byte: a part cut off mid-way is not listed.
    const numbers = fs
      .readdirSync(dir)
      .filter((n) => /^\d+$/.test(n) && fs.existsSync(path.join(dir, n + '.md5')))
      .map(Number)
      .sort((a, b) => a - b);
    const Part = numbers.map((n) => {
      const stat = fs.statSync(path.join(dir, String(n)));
      const md5 = fs.readFileSync(path.join(dir, n + '.md5'), 'utf8');
      return { PartNumber: n, LastModified: stat.mtime.toISOString(), ETag: JSON.stringify(md5), Size: stat.size };
    });
    ctx.body = {
      ListPartsResult: {
        '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
        Bucket: bucket, Key: key, UploadId: ctx.query.uploadId, PartNumberMarker: 0, MaxParts: 10000,
        IsTruncated: false, ...(Part.length ? { Part } : {}),
      },
    };
    return;
  }
  const root = uploadsDir(bucket);
  const ids = fs.existsSync(root) ? fs.readdirSync(root) : [];
  const Upload = ids
    .filter((id) => fs.existsSync(path.join(root, id, 'key')))
    .map((id) => ({
      Key: fs.readFileSync(path.join(root, id, 'key'), 'utf8'),
      UploadId: id,
      Initiated: fs.statSync(path.join(root, id)).mtime.toISOString(),
    }));
  ctx.body = {
    ListMultipartUploadsResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Bucket: bucket, MaxUploads: 1000, IsTruncated: false, ...(Upload.length ? { Upload } : {}),
    },
  };
}

// After s3rver's logger and its XML encoder (which turns a plain-object body into XML), before the router.
app.middleware.splice(2, 0, logRequests, checkSignature, ...(extend ? [multipartOperations] : []));
app.run().catch((err) => {
  console.error(err);
  process.exit(1);
});
process.on('SIGTERM', () => app.close().finally(() => process.exit(0)));
`;
