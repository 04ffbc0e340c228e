import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/images/{imageId}/availability');
export const PUT = apiRoute('PUT', '/images/{imageId}/availability');
