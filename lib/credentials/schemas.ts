import { z } from 'zod';
import { id, optionalText } from '@/lib/validation';

const name = z.string().trim().min(1, 'Name the key.').max(100, 'Keep the name under 100 characters.');

export const generateKeySchema = z.object({ name });

export const importKeySchema = z.object({
  name,
  privateKey: z.string().trim().min(1, 'Paste a private key.').max(16_384, 'That key is too long.'),
  passphrase: optionalText(z.string().max(1024)),
});

export const credentialIdSchema = z.object({ credentialId: id });
