import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getConfig } from '@/lib/config';
import { ValidationError } from '@/lib/errors';
import { fetchChecksum } from '@/lib/images/checksum-url';
import { readRemoteJson } from '@/lib/imgapi/client/http';
import { OutboundRefusedError, outboundGet } from '@/lib/net/outbound';

const ALLOWED_BY_SETUP = process.env.PORTAL_OUTBOUND_ALLOW;
const REFUSAL_TAIL =
  'is a private, loopback or link-local address; the portal does not connect there unless PORTAL_OUTBOUND_ALLOW lists it.';
const SHA = 'a'.repeat(64);

/**
 * A loopback server that records every request it gets. `/hop/N` redirects to `/hop/N-1` (cycling
 * through every redirect status) until `/hop/0`; `/to?url=…` redirects there; `/sums` is a
 * checksums list; `/json` a JSON document; `/dribble` sends a little, then nothing.
 */
async function startServer(host: string) {
  const seen: string[] = [];
  const statuses = [301, 302, 303, 307, 308];
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
    if (hop && Number(hop[1]) > 0) {
      const n = Number(hop[1]);
      res.writeHead(statuses[n % statuses.length]!, { location: `/hop/${n - 1}` });
      return res.end('moved');
    }
    if (hop) return res.end('arrived');
    if (url.pathname === '/to') {
      res.writeHead(302, { location: url.searchParams.get('url')! });
      return res.end();
    }
    if (url.pathname === '/sums') return res.end(`${SHA}  noble.qcow2\n`);
    if (url.pathname === '/json') return res.end('{"hello":"world"}');
    if (url.pathname === '/dribble') return void res.write('first bytes');
    res.writeHead(404);
    res.end('internal secrets');
  });
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    connections: () => connections,
    port,
    url: (path: string) => `http://${host}:${port}${path}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const refusedMessage = (url: string, address: string, range: string, via?: string) =>
  `Refused to connect to ${url}${via ? ` (redirected from ${via})` : ''}: ${address} (loopback, ${range}) ${REFUSAL_TAIL}`;

const allowOutbound = (value: string | undefined) => {
  if (value === undefined) delete process.env.PORTAL_OUTBOUND_ALLOW;
  else process.env.PORTAL_OUTBOUND_ALLOW = value;
};

describe('outbound requests: the portal does not reach into its own network unless allowed', () => {
  let five: Awaited<ReturnType<typeof startServer>>;
  let six: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    five = await startServer('127.0.0.5');
    six = await startServer('127.0.0.6');
  });
  afterAll(async () => {
    allowOutbound(ALLOWED_BY_SETUP);
    await Promise.all([five?.close(), six?.close()]);
  });
  beforeEach(() => {
    five.seen.length = 0;
    six.seen.length = 0;
  });
  afterEach(() => allowOutbound(ALLOWED_BY_SETUP));

  it('refuses 127.0.0.1 when PORTAL_OUTBOUND_ALLOW is unset, before any connection', async () => {
    allowOutbound(undefined);
    const local = await startServer('127.0.0.1');
    try {
      await expect(outboundGet(local.url('/json'))).rejects.toThrow(
        new OutboundRefusedError(refusedMessage(local.url('/json'), '127.0.0.1', '127.0.0.0/8')),
      );
      expect(local.seen).toEqual([]);
      expect(local.connections()).toBe(0);
    } finally {
      await local.close();
    }
  });

  it('refuses IPv6 loopback and mapped literals, and says so without the URL’s credentials', async () => {
    allowOutbound(undefined);
    await expect(outboundGet('http://[::1]:9/x')).rejects.toThrow(
      `Refused to connect to http://[::1]:9/x: ::1 (loopback, ::1/128) ${REFUSAL_TAIL}`,
    );
    await expect(outboundGet('http://user:secret@[::ffff:127.0.0.1]:9/x')).rejects.toThrow(
      `Refused to connect to http://***@[::ffff:7f00:1]:9/x: ::ffff:7f00:1 (loopback 127.0.0.1 in IPv4-mapped form, 127.0.0.0/8) ${REFUSAL_TAIL}`,
    );
    await expect(outboundGet('http://169.254.169.254/latest/meta-data/')).rejects.toThrow(
      `Refused to connect to http://169.254.169.254/latest/meta-data/: 169.254.169.254 (link-local, 169.254.0.0/16) ${REFUSAL_TAIL}`,
    );
  });

  it('follows a chain of 5 redirects, and gives up on the 6th', async () => {
    allowOutbound('127.0.0.0/8');
    const arrived = await outboundGet(five.url('/hop/5'));
    expect(arrived).toMatchObject({ status: 200, statusText: 'OK', url: five.url('/hop/0') });
    let body = '';
    for await (const chunk of arrived.body) body += String(chunk);
    expect(body).toBe('arrived');
    expect(five.seen.splice(0)).toEqual(['/hop/5', '/hop/4', '/hop/3', '/hop/2', '/hop/1', '/hop/0']);

    await expect(outboundGet(five.url('/hop/6'))).rejects.toThrow(
      `${five.url('/hop/6')} redirected more than 5 times; the portal stopped following it.`,
    );
    expect(five.seen.splice(0)).toEqual(['/hop/6', '/hop/5', '/hop/4', '/hop/3', '/hop/2', '/hop/1']);
  });

  it('checks every hop again: a redirect from an allowed server to a blocked one is refused', async () => {
    allowOutbound('127.0.0.5/32');
    const start = five.url(`/to?url=${encodeURIComponent(six.url('/json'))}`);
    await expect(outboundGet(start)).rejects.toThrow(
      new OutboundRefusedError(refusedMessage(six.url('/json'), '127.0.0.6', '127.0.0.0/8', start)),
    );
    expect(five.seen.splice(0)).toEqual([start.slice(start.indexOf('/to'))]);
    expect(six.seen).toEqual([]);
    expect(six.connections()).toBe(0);
  });

  it('refuses a redirect to anything but http or https', async () => {
    allowOutbound('127.0.0.0/8');
    const start = five.url(`/to?url=${encodeURIComponent('file:///etc/passwd')}`);
    await expect(outboundGet(start)).rejects.toThrow(
      `Refused to fetch file:///etc/passwd (redirected from ${start}): the portal fetches only http and https URLs.`,
    );
  });

  it('checks the address a host name resolves to: localhost is refused unless allowed', async () => {
    const local = await startServer('127.0.0.1');
    try {
      allowOutbound(undefined);
      const url = `http://localhost:${local.port}/json`;
      const addresses = (await dns.promises.lookup('localhost', { all: true })).map((a) => a.address);
      const expected = addresses.map(
        (address) =>
          `Refused to connect to ${url}: localhost resolves to ${address} (loopback, ${address.includes(':') ? '::1/128' : '127.0.0.0/8'}), which ${REFUSAL_TAIL}`,
      );
      const refused = await outboundGet(url).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(OutboundRefusedError);
      expect(expected).toContain((refused as Error).message);
      expect(local.connections()).toBe(0);

      // Allowed, the name's IPv4 address is used even when ::1 comes first (and stays refused).
      allowOutbound('127.0.0.0/8');
      const response = await outboundGet(url);
      expect(response.status).toBe(200);
      response.body.destroy();
      expect(local.seen).toEqual(['/json']);
    } finally {
      await local.close();
    }
  });

  it('destroys the request and the response stream when aborted', async () => {
    allowOutbound('127.0.0.0/8');
    const controller = new AbortController();
    const response = await outboundGet(five.url('/dribble'), { signal: controller.signal });
    const reason = new Error('enough');
    const reading = (async () => {
      for await (const chunk of response.body) if (String(chunk) === 'first bytes') controller.abort(reason);
    })();
    await expect(reading).rejects.toBe(reason);
    expect(response.body.destroyed).toBe(true);
  });

  it('fetchChecksum goes through the guard, and its refusal is a clear field error', async () => {
    allowOutbound(undefined);
    const url = five.url('/sums');
    const failed = await fetchChecksum(url, 'noble.qcow2').catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(ValidationError);
    expect((failed as ValidationError).fieldErrors).toEqual({
      checksumUrl: [`The checksums file could not be fetched: ${refusedMessage(url, '127.0.0.5', '127.0.0.0/8')}`],
    });
    expect(five.seen).toEqual([]);

    allowOutbound('127.0.0.5');
    await expect(fetchChecksum(url, 'noble.qcow2')).resolves.toEqual({ sha256: SHA });
    const redirected = five.url(`/to?url=${encodeURIComponent(six.url('/sums'))}`);
    await expect(fetchChecksum(redirected, 'noble.qcow2')).rejects.toThrow(
      `The checksums file could not be fetched: ${refusedMessage(six.url('/sums'), '127.0.0.6', '127.0.0.0/8', redirected)}`,
    );
    expect(six.seen).toEqual([]);
  });

  it('readRemoteJson goes through the guard, and its refusal is its error', async () => {
    const options = { timeoutMs: 5000, maxBytes: 1024, what: 'the image list' };
    allowOutbound(undefined);
    await expect(readRemoteJson(five.url('/json'), options)).rejects.toThrow(
      new OutboundRefusedError(refusedMessage(five.url('/json'), '127.0.0.5', '127.0.0.0/8')),
    );
    expect(five.seen).toEqual([]);

    allowOutbound('127.0.0.5/32');
    await expect(readRemoteJson(five.url('/json'), options)).resolves.toEqual({ json: { hello: 'world' }, bytes: 17 });
    // An internal server's answer is reported by its status only, never its body.
    await expect(readRemoteJson(five.url('/missing'), options)).rejects.toThrow(
      `${five.url('/missing')} answered HTTP 404 Not Found for the image list.`,
    );
  });

  it('rejects a bad PORTAL_OUTBOUND_ALLOW entry when the configuration is read, naming it', () => {
    allowOutbound('127.0.0.0/8, 10.0.0.300/8');
    expect(() => getConfig()).toThrow(
      'Invalid portal configuration:\n  PORTAL_OUTBOUND_ALLOW: "10.0.0.300/8" is not an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8.',
    );
    allowOutbound('127.0.0.0/8 fd00::/8');
    expect(getConfig().outboundAllow.map((cidr) => cidr.text)).toEqual(['127.0.0.0/8', 'fd00::/8']);
  });
});
