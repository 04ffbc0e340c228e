import { apiRoute } from '@/lib/api/v1/routes';

export const PUT = apiRoute('PUT', '/users/{userId}/grants/{dataCenterId}/{role}');
export const DELETE = apiRoute('DELETE', '/users/{userId}/grants/{dataCenterId}/{role}');
