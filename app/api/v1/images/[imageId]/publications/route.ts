import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/images/{imageId}/publications');
export const POST = apiRoute('POST', '/images/{imageId}/publications');
