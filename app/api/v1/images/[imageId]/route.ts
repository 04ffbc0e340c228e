import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/images/{imageId}');
export const PUT = apiRoute('PUT', '/images/{imageId}');
