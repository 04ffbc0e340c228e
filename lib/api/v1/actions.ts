'use server';

import { serverAction } from '@/lib/actions/server-action';
import { createApiToken, revokeApiToken } from '@/lib/tokens/operations';

const revalidate = () => ['/profile'];
export const createApiTokenAction = serverAction(createApiToken, { revalidate });
export const revokeApiTokenAction = serverAction(revokeApiToken, { revalidate });
