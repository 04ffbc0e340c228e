/* public: IMGAPI is an anonymous, read-only repository; it serves only public images (lib/imgapi/served.ts). */
import { respondImage } from '@/lib/imgapi/serve/respond';

/** IMGAPI GetImage: one manifest v2, or ResourceNotFound. */
export async function GET(_request: Request, { params }: { params: Promise<{ uuid: string }> }) {
  return respondImage((await params).uuid);
}
