/* public: IMGAPI is an anonymous, read-only repository; it serves only public images' files (lib/imgapi/served.ts). */
import type { NextApiRequest, NextApiResponse } from 'next';
import { sendImageFile } from '@/lib/imgapi/serve/node-file-response';

// The body is a whole image: no request body to parse, and no cap on what is sent.
export const config = { api: { bodyParser: false, responseLimit: false } };

/** IMGAPI GetImageFile, reached as /imgapi/images/<uuid>/file through next.config.js's rewrite. */
export default function imageFile(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  return sendImageFile(req, res, String(req.query.uuid));
}
