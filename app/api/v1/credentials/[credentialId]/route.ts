import { apiRoute } from '@/lib/api/v1/routes';

export const DELETE = apiRoute('DELETE', '/credentials/{credentialId}');
