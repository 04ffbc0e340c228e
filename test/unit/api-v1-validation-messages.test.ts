import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSizeSchema } from '@/lib/sizes/schemas';
import { fieldLabel } from '@/lib/validation';

/** The messages a parse gives, by field, as the API's `fields` and the forms show them. */
const messages = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input);
  return parsed.success ? {} : z.flattenError(parsed.error).fieldErrors;
};

/**
 * lib/validation.ts gives zod the portal's words for what a schema leaves unsaid: an API caller or a
 * form reads "Name is required.", never "Invalid input: expected string, received undefined".
 */
describe('the portal’s words for validation issues', () => {
  it('says a missing field is required, by its name spelt out', () => {
    const schema = z.object({ name: z.string(), sshUser: z.string(), sourceUrl: z.string(), dataCenterId: z.uuid() });
    expect(messages(schema, {})).toEqual({
      name: ['Name is required.'],
      sshUser: ['SSH user is required.'],
      sourceUrl: ['Source URL is required.'],
      dataCenterId: ['Data center ID is required.'],
    });
    expect(messages(z.object({ name: z.string().min(1) }), { name: '' })).toEqual({ name: ['Name is required.'] });
  });

  it('says what kind of value a field takes, in plain words', () => {
    const schema = z.object({
      name: z.string(),
      port: z.number().int(),
      count: z.number(),
      enabled: z.boolean(),
      tags: z.array(z.string()),
      osType: z.enum(['linux', 'windows']),
      id: z.uuid(),
      version: z.string().regex(/^\d+$/),
      note: z.string().max(3),
    });
    const input = { name: 7, port: 1.5, count: Number.NaN, enabled: 'yes', tags: 'a', osType: 'dos', id: 'x' };
    expect(messages(schema, { ...input, version: 'v', note: 'long' })).toEqual({
      name: ['Name must be text.'],
      port: ['Port must be a whole number.'],
      count: ['Count must be a number.'],
      enabled: ['Enabled must be true or false.'],
      tags: ['Tags must be a list.'],
      osType: ['OS type must be one of: linux, windows.'],
      id: ['ID must be a valid ID.'],
      version: ['Version must be in the expected form.'],
      note: ['Note must have at most 3 characters.'],
    });
  });

  it('keeps the messages a schema gives itself, and helps the forms that parse text', () => {
    expect(messages(createSizeSchema, { name: 'bad name', vcpus: '', memoryMb: '512', diskGb: 'ten' })).toEqual({
      name: ['Use 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit.'],
      vcpus: ['vCPUs is required.'],
      diskGb: ['Disk GB must be a number.'],
    });
  });

  it('spells out field names', () => {
    expect(fieldLabel(['minRamMb'])).toBe('Min RAM MB');
    expect(fieldLabel(['changes', 0, 'nodeId'])).toBe('Node ID');
    expect(fieldLabel(['sha256'])).toBe('SHA-256');
    expect(fieldLabel([])).toBe('This value');
  });
});
