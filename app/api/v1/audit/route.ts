import { apiRoute } from '@/lib/api/v1/routes';

export const GET = apiRoute('GET', '/audit');
