import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/data-centers/{dataCenterId}');
export const PUT = apiRoute('PUT', '/data-centers/{dataCenterId}');
