import 'server-only';
import type { OpenstackSecrets, OpenstackSettings } from '@/lib/clouds/settings';
import { CloudError } from '@/lib/publish/target';
import { httpFailure } from './openstack-errors';
import { openstackRequest, type OpenstackAgents } from './openstack-http';

/**
 * Where the Image service is and the token to call it with: Keystone v3 (password or application
 * credential) and its catalogue, or, with `auth: 'none'`, the configured Image service URL as is.
 */

export type GlanceEndpoint = {
  /** The Image service root, without the API version: https://image.example.com:9292 */
  url: string;
  /** X-Auth-Token; absent for a Glance without Keystone. */
  token?: string;
};

export type OpenstackSession = {
  endpoint(signal: AbortSignal): Promise<GlanceEndpoint>;
  /** Forgets the token, after Glance refused it, so the next call logs in again. */
  renew(): void;
};

type CatalogEndpoint = { interface?: string; region?: string; region_id?: string; url?: string };
type CatalogService = { type?: string; endpoints?: CatalogEndpoint[] };
type TokenBody = { token?: { expires_at?: string; catalog?: CatalogService[] } };

// A token this close to its expiry is not used for a new call: an upload may outlast it.
const EXPIRY_MARGIN_MS = 5 * 60_000;

export function openstackSession(
  settings: OpenstackSettings,
  secrets: OpenstackSecrets,
  agents: OpenstackAgents,
): OpenstackSession {
  let current: { endpoint: GlanceEndpoint; expiresAt: number } | undefined;
  return {
    async endpoint(signal) {
      if (settings.auth === 'none') {
        if (!settings.imageUrl)
          throw new CloudError('not-found', 'Without Keystone, enter the Image service (Glance) URL to publish to.');
        return { url: glanceRoot(settings.imageUrl) };
      }
      if (current && current.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return current.endpoint;
      current = await logIn(settings, secrets, agents, signal);
      return current.endpoint;
    },
    renew() {
      current = undefined;
    },
  };
}

async function logIn(
  settings: OpenstackSettings,
  secrets: OpenstackSecrets,
  agents: OpenstackAgents,
  signal: AbortSignal,
): Promise<{ endpoint: GlanceEndpoint; expiresAt: number }> {
  if (!settings.authUrl) throw new CloudError('not-found', 'Enter the Keystone authentication URL.');
  const url = `${keystoneV3(settings.authUrl)}/auth/tokens`;
  // The catalogue is what we came for; Keystone leaves it out only when asked to (?nocatalog).
  const res = await openstackRequest(agents, {
    service: 'Keystone',
    method: 'POST',
    url,
    json: authBody(settings, secrets),
    signal,
  });
  if (res.status === 401) throw new CloudError('credentials', refusal(settings));
  if (res.status === 404)
    throw new CloudError('not-found', `No Keystone v3 identity API answers at ${url}: check the authentication URL.`);
  if (res.status !== 201) throw httpFailure(res.status, res.text, 'Keystone', 'logging in');
  const token = res.headers['x-subject-token'];
  if (typeof token !== 'string' || !token) throw new CloudError('other', 'Keystone answered without a token.');
  let body: TokenBody;
  try {
    body = JSON.parse(res.text) as TokenBody;
  } catch {
    throw new CloudError('other', 'Keystone answered with something other than JSON.');
  }
  const imageUrl = settings.imageUrl ?? catalogueImageUrl(body.token?.catalog ?? [], settings);
  const expires = Date.parse(body.token?.expires_at ?? '');
  // Without a readable expiry, the token is used for one call chain and then renewed.
  const expiresAt = Number.isNaN(expires) ? Date.now() + EXPIRY_MARGIN_MS + 60_000 : expires;
  return { endpoint: { url: glanceRoot(imageUrl), token }, expiresAt };
}

function authBody(settings: OpenstackSettings, secrets: OpenstackSecrets) {
  if (settings.auth === 'application-credential') {
    if (!settings.applicationCredentialId || !secrets.applicationCredentialSecret)
      throw new CloudError('credentials', 'An application credential needs its id and its secret.');
    // An application credential carries its own project: a scope would be refused.
    return {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: settings.applicationCredentialId, secret: secrets.applicationCredentialSecret },
        },
      },
    };
  }
  if (!settings.username || !secrets.password)
    throw new CloudError('credentials', 'Password authentication needs a user name and a password.');
  if (!settings.projectName) throw new CloudError('not-found', 'Enter the project to publish images to.');
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: settings.username, domain: domain(settings.userDomain), password: secrets.password },
        },
      },
      scope: { project: { name: settings.projectName, domain: domain(settings.projectDomain) } },
    },
  };
}

/**
 * OpenStack's default domain has the id "default" and the name "Default"; clouds.yaml files use
 * either, and a name lookup may be case-sensitive, so the id spelling is sent as an id.
 */
function domain(value: string | undefined) {
  const d = value || 'Default';
  return d === 'default' ? { id: d } : { name: d };
}

function refusal(settings: OpenstackSettings): string {
  if (settings.auth === 'application-credential')
    return `Keystone refused application credential ${settings.applicationCredentialId}: check its id and secret, and that it has not expired or been deleted.`;
  return (
    `Keystone refused the user name or password (user "${settings.username}" in domain "${settings.userDomain || 'Default'}"), ` +
    `or the user has no role on project "${settings.projectName}" in domain "${settings.projectDomain || 'Default'}".`
  );
}

function catalogueImageUrl(catalog: CatalogService[], settings: OpenstackSettings): string {
  const endpoints = catalog.filter((s) => s.type === 'image').flatMap((s) => s.endpoints ?? []);
  const region = settings.region;
  const match = endpoints.find(
    (e) => e.interface === settings.interface && (!region || e.region_id === region || e.region === region) && e.url,
  );
  if (match?.url) return match.url;
  if (endpoints.length === 0)
    throw new CloudError(
      'not-found',
      "Keystone's catalogue has no Image service: enter the Image service URL, or ask the cloud's administrators.",
    );
  const offered = [...new Set(endpoints.map((e) => `${e.region_id ?? e.region ?? 'no region'}/${e.interface}`))];
  throw new CloudError(
    'not-found',
    `Keystone's catalogue has no Image service endpoint for region "${region ?? 'any'}" and interface "${settings.interface}"; it has ${offered.join(', ')}.`,
  );
}

/** The Keystone v3 root, whether the URL given ends in /v3, in /v2.0 (retired) or in neither. */
export function keystoneV3(authUrl: string): string {
  const root = authUrl.replace(/\/+$/, '').replace(/\/v2\.0$/, '');
  return /\/v3$/.test(root) ? root : `${root}/v3`;
}

/** Glance's root: catalogues list it with or without a version (…:9292, …:9292/v2). */
export function glanceRoot(imageUrl: string): string {
  return imageUrl.replace(/\/+$/, '').replace(/\/v2(\.\d+)?$/, '');
}
