'use server';

import { serverAction } from '@/lib/actions/server-action';
import { deleteKey, generateKey, importKey } from './operations';

export const generateKeyAction = serverAction(generateKey, { revalidate: () => ['/credentials'] });

export const importKeyAction = serverAction(importKey, { revalidate: () => ['/credentials'] });

export const deleteKeyAction = serverAction(deleteKey, { revalidate: () => ['/credentials'] });
