/* public: IMGAPI is an anonymous, read-only repository; it lists only public images (lib/imgapi/served.ts). */
import { respondImageList } from '@/lib/imgapi/serve/respond';

export const dynamic = 'force-dynamic';

/** IMGAPI ListImages: manifest v2 objects, filtered and paged as the query asks. */
export async function GET(request: Request) {
  return await respondImageList(request);
}
