import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/credentials');
export const POST = apiRoute('POST', '/credentials');
