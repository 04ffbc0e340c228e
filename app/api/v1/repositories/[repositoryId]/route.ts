import { apiRoute } from '@/lib/api/v1/routes';

export const PUT = apiRoute('PUT', '/repositories/{repositoryId}');
export const DELETE = apiRoute('DELETE', '/repositories/{repositoryId}');
