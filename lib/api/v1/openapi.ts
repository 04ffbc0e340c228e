import 'server-only';
import { z } from 'zod';
import { ENDPOINTS } from './endpoints/index';
import { tidySchema, toJsonSchema, type JsonSchema } from './json-schema';
import { componentRef, errorResponse, errorResponses, operationObject } from './openapi-operation';
import { RESPONSES } from './responses/registry';
import { session } from './responses/tokens';
import { sessionCredentials } from './session';
import { API_TAGS } from './tags';

/**
 * The OpenAPI 3.1 document of the JSON API v1, generated from the endpoint registry and the very zod
 * schemas the API parses requests with and sends answers through (z.toJSONSchema), so the document
 * cannot promise what the server does not do.
 */

const BASE = '/api/v1';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'invalid, unauthenticated, forbidden, not_found, conflict, in_use, …' },
        message: { type: 'string', description: 'What went wrong, for a person to read' },
        fields: {
          type: 'object',
          description: 'For bad input: each field named, with what is wrong with it',
          additionalProperties: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

/** Every named response schema, with references between them, as `components.schemas`. */
function responseComponents(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(RESPONSES, {
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
    override: tidySchema,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

const SESSION_PATH = {
  post: {
    tags: ['Tokens'],
    summary: 'Trade a username and password for a token (throttled like the login form)',
    description:
      'The one call that needs no token. Failed attempts count toward the login form’s limits: after 5 for a username or 20 from one address within 15 minutes, further attempts are refused until the time the answer names.',
    operationId: 'postSession',
    security: [],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: { ...toJsonSchema(sessionCredentials, 'input'), additionalProperties: false } },
      },
    },
    responses: {
      '201': {
        description: 'The token, shown this once',
        content: { 'application/json': { schema: componentRef(session, 'POST /session') } },
      },
      ...errorResponses([400, 401, 413]),
      '429': errorResponse('Too many failed sign-ins; see Retry-After'),
    },
  },
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = { [`${BASE}/session`]: SESSION_PATH };
  for (const endpoint of ENDPOINTS)
    (paths[BASE + endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operationObject(endpoint);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cloud Broker Portal API',
      version: '1',
      description:
        'Everything a script needs, with the same validation, role matrix and audit as the UI. Send a token as `Authorization: Bearer <token>`. A JSON body carries only the fields its operation lists: any other is refused with 400 naming it. Errors are `{"error": {"code", "message", "fields"}}`.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'This portal: paths start with /api/v1' }],
    security: [{ bearerAuth: [] }],
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal API token, from the Profile page or POST /api/v1/session',
        },
      },
      schemas: { ...responseComponents(), Error: ERROR_SCHEMA },
    },
  };
}
