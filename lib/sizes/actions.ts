'use server';

import { serverAction } from '@/lib/actions/server-action';
import { createSize, deleteSizes } from './operations';

// Sizes show on every Location Details page; the form refreshes the page it is on after success.
export const createSizeAction = serverAction(createSize, { revalidate: () => ['/locations'] });
export const deleteSizesAction = serverAction(deleteSizes, { revalidate: () => ['/locations'] });
