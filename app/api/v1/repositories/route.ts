import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/repositories');
export const POST = apiRoute('POST', '/repositories');
