import { z } from 'zod';

/** What the import job needs; the repository's URL is kept, so removing the repository meanwhile is harmless. */
export const importJobParams = z.object({
  repositoryId: z.string(),
  repositoryUrl: z.string(),
  uuid: z.uuid(),
  /** The name the user gave, if any. */
  name: z.string().optional(),
  /** The name the image will have, for job listings while it does not exist yet. */
  imageName: z.string(),
});
export type ImportJobParams = z.infer<typeof importJobParams>;
