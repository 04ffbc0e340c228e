import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/clouds/{accountId}');
export const PUT = apiRoute('PUT', '/clouds/{accountId}');
export const DELETE = apiRoute('DELETE', '/clouds/{accountId}');
