import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/users');
export const POST = apiRoute('POST', '/users');
