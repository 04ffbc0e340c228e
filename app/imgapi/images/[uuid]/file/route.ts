/* public: IMGAPI is an anonymous, read-only repository; it serves only public images' files (lib/imgapi/served.ts). */
import { respondImageFile } from '@/lib/imgapi/file-response';

/** IMGAPI GetImageFile: the file streamed from the portal store, with Range support. */
export async function GET(request: Request, { params }: { params: Promise<{ uuid: string }> }) {
  return respondImageFile(request, (await params).uuid);
}

/** Size and checksum without the bytes, e.g. before a resumed download. */
export async function HEAD(request: Request, { params }: { params: Promise<{ uuid: string }> }) {
  return respondImageFile(request, (await params).uuid);
}
