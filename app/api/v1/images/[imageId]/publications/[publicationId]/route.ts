import { apiRoute } from '@/lib/api/v1/routes';

export const DELETE = apiRoute('DELETE', '/images/{imageId}/publications/{publicationId}');
