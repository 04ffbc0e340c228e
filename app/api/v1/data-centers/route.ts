import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/data-centers');
export const POST = apiRoute('POST', '/data-centers');
