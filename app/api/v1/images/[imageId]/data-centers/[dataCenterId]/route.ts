import { apiRoute } from '@/lib/api/v1/routes';

export const PUT = apiRoute('PUT', '/images/{imageId}/data-centers/{dataCenterId}');
export const DELETE = apiRoute('DELETE', '/images/{imageId}/data-centers/{dataCenterId}');
