import { z } from 'zod';
import { id, optionalText, plainUrlText, URL_TEXT_ERROR } from '@/lib/validation';

/** At most this many repositories: each refresh reads a whole remote listing. */
export const MAX_REPOSITORIES = 16;

// zod runs this refinement even when the URL check above failed, so it must not assume a URL.
function hasNoCredentials(url: string): boolean {
  const parsed = URL.parse(url);
  return !parsed || (!parsed.username && !parsed.password);
}

const repositoryUrl = z
  .string()
  .trim()
  .max(2048, 'The URL is at most 2048 characters.')
  .pipe(
    z.url({
      protocol: /^https?$/,
      hostname: z.regexes.hostname,
      error: 'Enter the http or https URL of an IMGAPI repository.',
    }),
  )
  .refine(plainUrlText, URL_TEXT_ERROR)
  // Repository pages show the URL to every ImageImportAdmin, so it must not carry a password.
  .refine(hasNoCredentials, 'Leave user names and passwords out of the URL.')
  .transform((url) => url.replace(/\/+$/, ''));

const repositoryFields = {
  name: z.string().trim().min(1, 'Name is required.').max(64, 'Name is at most 64 characters.'),
  url: repositoryUrl,
};

export const createRepositorySchema = z.object(repositoryFields);
export const updateRepositorySchema = z.object({ repositoryId: id, ...repositoryFields });
export const repositoryIdSchema = z.object({ repositoryId: id });

export const importImageSchema = z.object({
  repositoryId: id,
  uuid: z.uuid('Not a valid image UUID.'),
  /** Empty: a global image (SuperAdmins only); otherwise the import is bound to this data center. */
  dataCenterId: optionalText(z.uuid('Choose a data center.')),
  /** Empty keeps the remote image's name; needed when that name is taken or not valid here. */
  name: optionalText(),
});
