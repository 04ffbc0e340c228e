import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedImgapiCatalogue, type Catalogue } from '@/test/support/imgapi-catalogue';
import { startImgapiServer, type ImgapiServer } from '@/scripts/lib/imgapi-server';

/**
 * Serving images anonymously is the operator's choice: with PORTAL_IMGAPI_SERVE off, the default,
 * every IMGAPI request is answered as if there were no repository here, public images included.
 */
describe('PORTAL_IMGAPI_SERVE', () => {
  let server: ImgapiServer;
  let served: Catalogue['served'];
  beforeAll(async () => {
    ({ served } = await seedImgapiCatalogue());
    server = await startImgapiServer({ host: '127.0.0.180' });
  });
  afterAll(() => server?.close());
  afterEach(() => {
    process.env.PORTAL_IMGAPI_SERVE = 'true';
  });

  const paths = () => ['/ping', '/images', `/images/${served.A.id}`, `/images/${served.A.id}/file`];

  it.each([undefined, 'false'])('answers nothing but 404 when the setting is %s', async (value) => {
    if (value === undefined) delete process.env.PORTAL_IMGAPI_SERVE;
    else process.env.PORTAL_IMGAPI_SERVE = value;
    for (const path of paths()) {
      const response = await fetch(`${server.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(await response.json()).toEqual({
        code: 'ResourceNotFound',
        message: 'this portal does not serve images over IMGAPI',
      });
    }
  });

  it('serves the public images when it is on', async () => {
    process.env.PORTAL_IMGAPI_SERVE = 'true';
    for (const path of paths()) expect((await fetch(`${server.url}${path}`)).status).toBe(200);
  });
});
