import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '@/lib/api/v1/endpoints/index';
import { IMAGE_STATUSES } from '@/lib/db/enums';
import { openApiDocument } from '@/lib/api/v1/openapi';

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
};
type Parameter = { name: string; in: string; schema: Schema };
type Operation = {
  tags: string[];
  summary: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};

const document = openApiDocument();
const operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
  ([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ key: `${method} ${path}`, operation })),
);
const components = document.components.schemas as unknown as Record<string, Schema>;
const branches = (schema: Schema) => schema.oneOf ?? schema.anyOf ?? [schema];

describe('the OpenAPI document of the JSON API v1', () => {
  it('says who may use it, where, and what each group is', () => {
    expect(document.info.license).toEqual({ name: expect.any(String), identifier: expect.any(String) });
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const tags = new Map(document.tags.map((t) => [t.name, t.description]));
    for (const { key, operation } of operations) {
      expect(operation.tags.length, key).toBe(1);
      expect(tags.get(operation.tags[0]!), `${key}: its tag is listed with a description`).toMatch(/^.{20,}$/);
      expect(operation.description, key).toMatch(/\w{3}/);
      expect(operation.description, `${key}: a description says more than the summary`).not.toBe(operation.summary);
    }
  });

  it('describes every success with a named schema of its fields, never a bare object', () => {
    expect(operations).toHaveLength(ENDPOINTS.length + 1);
    for (const { key, operation } of operations) {
      const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      expect(successes, key).toHaveLength(1);
      const ref = successes[0]![1].content?.['application/json']?.schema.$ref;
      expect(ref, key).toMatch(/^#\/components\/schemas\/\w+$/);
      const schema = components[ref!.split('/').pop()!]!;
      expect(schema.type, key).toBe('object');
      expect(Object.keys(schema.properties ?? {}).length, `${key}: the answer lists its fields`).toBeGreaterThan(0);
    }
    // Times go out as ISO 8601 text, as the schema's codec writes them.
    expect(components.Image!.properties!.createdAt).toEqual({ type: 'string', format: 'date-time' });
  });

  it('types query parameters as the listings parse them: whole numbers, and enums where the values are closed', () => {
    const query = (key: string) =>
      Object.fromEntries(
        operations
          .find((o) => o.key === key)!
          .operation.parameters!.filter((p) => p.in === 'query')
          .map((p) => [p.name, p.schema]),
      );
    const images = query('get /api/v1/images');
    expect(images.page).toMatchObject({ type: 'integer', minimum: 1 });
    expect(images.pageSize).toEqual({ type: 'integer', enum: [10, 25, 50, 100] });
    expect(images.status).toEqual({ type: 'string', enum: [...IMAGE_STATUSES] });
    expect(images.sort).toMatchObject({ enum: ['name', 'version', 'created', 'size'] });
    const jobs = query('get /api/v1/jobs');
    expect(jobs.pageSize).toEqual({ type: 'integer', enum: [10, 25, 50, 100] });
    expect(jobs.kind).toMatchObject({ type: 'string', enum: expect.arrayContaining(['install', 'import']) });
    expect(query('get /api/v1/repositories/{repositoryId}/images').page).toMatchObject({ type: 'integer' });
    for (const { key, operation } of operations)
      for (const parameter of operation.parameters ?? [])
        expect(parameter.schema.type, `${key} ${parameter.name}`).toMatch(/^(string|integer|number|boolean)$/);
  });

  it('documents closed request bodies without the fields the path gives', () => {
    const withBody = operations.filter(({ operation }) => operation.requestBody?.content['application/json']);
    expect(withBody.length).toBeGreaterThan(25);
    for (const { key, operation } of withBody) {
      const pathParams = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const branch of branches(operation.requestBody!.content['application/json']!.schema)) {
        expect(branch.additionalProperties, key).toBe(false);
        for (const param of pathParams) expect(branch.properties ?? {}, key).not.toHaveProperty(param);
        for (const name of branch.required ?? []) expect(branch.properties ?? {}, key).toHaveProperty(name);
      }
    }
    const lifecycle = operations.find((o) => o.key === 'post /api/v1/images/{imageId}/lifecycle')!.operation;
    const lifecycleBranches = branches(lifecycle.requestBody!.content['application/json']!.schema);
    expect(lifecycleBranches.map((b) => Object.keys(b.properties!))).toEqual([
      ['change', 'status'],
      ['change', 'access'],
      ['change', 'protected'],
    ]);
    // A checkbox left out is false, not missing.
    const create = operations.find((o) => o.key === 'post /api/v1/images')!.operation;
    expect(create.requestBody!.content['application/json']!.schema.required).not.toContain('resizable');
  });

  it('takes the image file as a raw octet stream', () => {
    const upload = operations.find((o) => o.key === 'put /api/v1/images/{imageId}/file')!.operation;
    expect(Object.keys(upload.requestBody!.content)).toEqual(['application/octet-stream']);
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['200', '401', '409', '411', '415', '507']));
  });
});
