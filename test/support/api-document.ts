/**
 * Holds the JSON API's answers to its own OpenAPI document: every call the integration tests make
 * through support/api-client.ts must answer with a status the document lists for that operation,
 * in the shape the document gives it (JSON Schema 2020-12, formats included).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '@/lib/api/v1/openapi';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: object } };

// The document's references point into components; here they point into one schema holding them all.
const toComponents = (schema: object): object =>
  JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', 'components#/$defs/'));

let checker: { document: Document; ajv: Ajv2020; compiled: Map<string, ValidateFunction> } | undefined;
function load() {
  if (checker) return checker;
  const document = openApiDocument() as unknown as Document;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'components', $defs: toComponents(document.components.schemas) });
  checker = { document, ajv, compiled: new Map() };
  return checker;
}

/** What is wrong with an answer, measured against the document; an empty list when nothing is. */
export function undocumentedIn(method: string, urlPath: string, status: number, body: unknown): string[] {
  const { document, ajv, compiled } = load();
  const operation = document.paths[urlPath]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${urlPath} is not in the document`];
  const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
  if (!schema) return [`${method} ${urlPath} does not document the status ${status}`];
  const key = `${method} ${urlPath} ${status}`;
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ajv.compile(toComponents(schema))));
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
}
