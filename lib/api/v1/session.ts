import 'server-only';
import { z } from 'zod';
// The portal's words for what a schema leaves unsaid ("Username is required."), as everywhere.
import '@/lib/validation';

/** POST /api/v1/session's body: the login form's two fields, with the same caps. */
export const sessionCredentials = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
