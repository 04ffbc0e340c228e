/* public: the API's description holds no data, and scripts read it before they have a token. */
import { apiJson } from '@/lib/api/v1/respond';
import { openApiDocument } from '@/lib/api/v1/openapi';

export function GET() {
  return apiJson(openApiDocument());
}
