import 'server-only';
import { z } from 'zod';
import { ROLES } from '@/lib/db/enums';
import type { Endpoint } from './endpoint';
import { ENDPOINTS } from './endpoints/index';
import { HTTP_STATUS } from './respond';

/**
 * The OpenAPI 3.1 document of the JSON API v1, generated from the endpoint registry and the very zod
 * schemas the operations parse their input with (z.toJSONSchema), so the document cannot promise
 * what the server does not do.
 */

const BASE = '/api/v1';
type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/** Ids are uuids; a role in a grant's path is one of the roles. */
const pathParamSchema = (name: string) =>
  name === 'role' ? { type: 'string', enum: [...ROLES] } : { type: 'string', format: 'uuid' };

const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** The operation's input as a request body: without what the path or the route already says. */
function bodySchema(endpoint: Extract<Endpoint, { op: unknown }>): JsonSchema {
  const schema = z.toJSONSchema(endpoint.op.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete schema.$schema;
  const implied = new Set([...pathParams(endpoint.path), ...Object.keys(endpoint.fixed ?? {})]);
  for (const key of implied) delete schema.properties?.[key];
  if (schema.required) schema.required = schema.required.filter((key) => !implied.has(key));
  return schema;
}

const errorRef = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const ERROR_TEXT: Record<number, string> = {
  [HTTP_STATUS.invalid]: 'Bad input; `fields` says which',
  [HTTP_STATUS.unauthenticated]: 'No token, or an unknown or revoked one',
  [HTTP_STATUS.forbidden]: 'Refused by the role matrix (audited as denied)',
  [HTTP_STATUS.not_found]: 'Not found, or not visible to the caller',
  [HTTP_STATUS.conflict]: 'Conflicts with the current state, e.g. a name in use',
  [HTTP_STATUS.in_use]: 'Refused because the image is in use (Danube’s 428)',
};
const errorsFor = (statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), errorRef(ERROR_TEXT[s]!)]));

function operationObject(endpoint: Endpoint) {
  const parameters = [
    ...pathParams(endpoint.path).map((name) => ({ name, in: 'path', required: true, schema: pathParamSchema(name) })),
    ...(endpoint.method === 'GET'
      ? Object.entries(endpoint.query ?? {}).map(([name, description]) => ({
          name,
          in: 'query',
          required: false,
          description,
          schema: { type: 'string' },
        }))
      : []),
  ];
  const success = endpoint.method === 'GET' ? 200 : (endpoint.status ?? 200);
  const common = {
    tags: [endpoint.tag],
    summary: endpoint.summary,
    operationId: `${endpoint.method.toLowerCase()}${endpoint.path
      .replace(/[{}]/g, '')
      .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
      .replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`,
    parameters,
  };
  const ok = {
    [String(success)]: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
  };
  if (endpoint.method === 'GET') return { ...common, responses: { ...ok, ...errorsFor([400, 401, 404]) } };
  const body =
    endpoint.body === 'none'
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: bodySchema(endpoint) } } } };
  return { ...common, ...body, responses: { ...ok, ...errorsFor([400, 401, 403, 404, 409, 428]) } };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {
    [`${BASE}/session`]: {
      post: {
        tags: ['Tokens'],
        summary: 'Trade a username and password for a token (throttled like the login form)',
        operationId: 'postSession',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['username', 'password'],
                properties: { username: { type: 'string' }, password: { type: 'string' } },
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'The token, shown this once',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { token: { type: 'string' }, tokenId: { type: 'string' } } },
              },
            },
          },
          ...errorsFor([400, 401]),
          '429': errorRef('Too many failed sign-ins; see Retry-After'),
        },
      },
    },
  };
  for (const endpoint of ENDPOINTS)
    (paths[BASE + endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operationObject(endpoint);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cloud Broker Portal API',
      version: '1',
      description: 'Everything a script needs, with the same validation, role matrix and audit as the UI.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal API token, from the Profile page or POST /api/v1/session',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                fields: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
  };
}
