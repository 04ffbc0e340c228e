import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/images');
export const POST = apiRoute('POST', '/images');
