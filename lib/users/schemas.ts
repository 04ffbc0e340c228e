import { z } from 'zod';
import { ROLES } from '@/lib/db/enums';
import { checkbox, id } from '@/lib/validation';

/** Long enough to resist guessing at the login throttle's pace; no composition rules (NIST 800-63B). */
export const MIN_PASSWORD_LENGTH = 12;

const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(1024, 'Use at most 1024 characters.');

export const createUserSchema = z.object({
  username: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'Use 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit.',
    ),
  name: z.string().trim().max(100, 'Name is at most 100 characters.').default(''),
  password,
  isSuperAdmin: checkbox,
});

export const userIdSchema = z.object({ userId: id });

/** An explicit 'true' or 'false', not a checkbox: the buttons that call it say which they mean. */
export const superAdminFlagSchema = z.object({ userId: id, isSuperAdmin: z.stringbool().or(z.boolean()) });

export const resetPasswordSchema = z.object({ userId: id, password });

export const roleGrantSchema = z.object({
  userId: id,
  dataCenterId: z.uuid('Choose a data center.'),
  role: z.enum(ROLES, 'Choose a role.'),
});
