import { UnavailableError } from '@/lib/errors';

/** The programs a node may download an image with; curl is preferred, for its progress meter. */
export type Downloader = 'curl' | 'wget';

/**
 * The URL goes to the downloader on stdin, not on its command line, where any user of the node
 * could read credentials in it with `ps`. curl reads a config line, wget a list of URLs.
 */
export function urlOnStdin(downloader: Downloader, url: string): string {
  if (/[\r\n]/.test(url)) throw new UnavailableError('The source URL contains a line break.');
  return downloader === 'curl' ? `url = "${url.replace(/[\\"]/g, (c) => `\\${c}`)}"\n` : `${url}\n`;
}
