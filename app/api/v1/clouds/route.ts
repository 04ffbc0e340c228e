import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/clouds');
export const POST = apiRoute('POST', '/clouds');
