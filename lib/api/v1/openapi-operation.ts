import 'server-only';
import { ROLES } from '@/lib/db/enums';
import type { Endpoint, ReadEndpoint } from './endpoint';
import { pathParams, requestBodySchema, toJsonSchema, type JsonSchema } from './json-schema';
import { RESPONSES } from './responses/registry';

/**
 * One endpoint of the registry as an OpenAPI operation object: its parameters, its request body
 * and every answer it can give, each success described by the endpoint's own response schema.
 */

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input; `fields` names each field with what is wrong with it',
  401: 'No token, or an unknown or revoked one',
  403: 'Refused by the role matrix (audited as denied)',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state, e.g. a name in use',
  411: 'No Content-Length: send the file’s size',
  413: 'The request body is larger than 1 MiB',
  415: 'Not application/octet-stream: send the file itself as the body',
  428: 'Refused because the image is in use (Danube’s 428)',
  503: 'A node or a remote repository could not be reached',
  507: 'The image store has no room for the file (free space less the margin, counting uploads in flight)',
};

export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export const errorResponses = (statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), errorResponse(ERROR_TEXT[status]!)]));

/** `#/components/schemas/<id>` of a registered response schema; an unregistered one is a bug here. */
export function componentRef(schema: Parameters<typeof RESPONSES.get>[0], where: string) {
  const id = RESPONSES.get(schema)?.id;
  if (!id) throw new Error(`${where}: register its response schema with named().`);
  return { $ref: `#/components/schemas/${id}` };
}

/** Ids are uuids; a role in a grant's path is one of the roles. */
const pathParamSchema = (name: string): JsonSchema =>
  name === 'role' ? { type: 'string', enum: [...ROLES] } : { type: 'string', format: 'uuid' };

/** A query parameter's schema is what its listing parser makes of it: the parsed value's type. */
function queryParams(endpoint: ReadEndpoint) {
  return Object.entries(endpoint.query ?? {}).map(([name, { schema, description }]) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: toJsonSchema(schema, 'output'),
  }));
}

export function operationId(endpoint: Endpoint): string {
  const words = endpoint.path
    .replace(/[{}]/g, '')
    .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
    .replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return `${endpoint.method.toLowerCase()}${words}`;
}

function requestBody(endpoint: Endpoint) {
  if (endpoint.method === 'GET' || endpoint.body === 'none') return {};
  if (endpoint.body === 'stream') {
    const file = { type: 'string', contentMediaType: endpoint.mediaType };
    return { requestBody: { required: true, content: { [endpoint.mediaType]: { schema: file } } } };
  }
  const schema = structuredClone(requestBodySchema(endpoint));
  return { requestBody: { required: true, content: { 'application/json': { schema } } } };
}

function refusals(endpoint: Endpoint): number[] {
  if (endpoint.method === 'GET') return [...(endpoint.query ? [400] : []), 401, 403, 404];
  if (endpoint.body === 'stream') return endpoint.refusals;
  return [400, 401, 403, 404, 409, ...(endpoint.body === 'none' ? [] : [413]), 428, 503];
}

export function operationObject(endpoint: Endpoint) {
  const where = `${endpoint.method} ${endpoint.path}`;
  const success = endpoint.method === 'GET' || endpoint.body === 'stream' ? 200 : (endpoint.status ?? 200);
  const parameters = [
    ...pathParams(endpoint.path).map((name) => ({ name, in: 'path', required: true, schema: pathParamSchema(name) })),
    ...(endpoint.method === 'GET' ? queryParams(endpoint) : []),
  ];
  return {
    tags: [endpoint.tag],
    summary: endpoint.summary,
    description: endpoint.description,
    operationId: operationId(endpoint),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...requestBody(endpoint),
    responses: {
      [String(success)]: {
        description: success === 202 ? 'Accepted: a job is queued' : success === 201 ? 'Created' : 'OK',
        content: { 'application/json': { schema: componentRef(endpoint.response, where) } },
      },
      ...errorResponses(refusals(endpoint)),
    },
  };
}
