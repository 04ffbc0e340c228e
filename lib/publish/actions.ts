'use server';

import { serverAction } from '@/lib/actions/server-action';
import { publishImage, publishImages, removePublication } from './operations';

export const publishImageAction = serverAction(publishImage, { revalidate: (r) => ['/jobs', `/images/${r.imageId}`] });

export const publishImagesAction = serverAction(publishImages, { revalidate: () => ['/jobs', '/images'] });

export const removePublicationAction = serverAction(removePublication, { revalidate: (r) => [`/images/${r.imageId}`] });
