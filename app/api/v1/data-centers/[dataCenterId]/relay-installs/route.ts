import { apiRoute } from '@/lib/api/v1/routes';

export const PUT = apiRoute('PUT', '/data-centers/{dataCenterId}/relay-installs');
