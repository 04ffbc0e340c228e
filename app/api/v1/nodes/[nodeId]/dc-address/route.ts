import { apiRoute } from '@/lib/api/v1/routes';

export const PUT = apiRoute('PUT', '/nodes/{nodeId}/dc-address');
