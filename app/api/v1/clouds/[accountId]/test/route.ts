import { apiRoute } from '@/lib/api/v1/routes';

export const POST = apiRoute('POST', '/clouds/{accountId}/test');
