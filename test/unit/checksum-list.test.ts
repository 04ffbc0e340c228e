import { describe, expect, it } from 'vitest';
import { checksumFileName, pickChecksum } from '@/lib/images/checksum-url';

const SHA = 'ab'.repeat(32);
const OTHER_SHA = 'cd'.repeat(32);
const MD5 = 'ef'.repeat(16);

describe('checksums lists', () => {
  it('picks the GNU line for the file, in text or binary mode', () => {
    const list = `${OTHER_SHA}  noble-server-cloudimg-arm64.img\n${SHA} *noble-server-cloudimg-amd64.img\n`;
    expect(pickChecksum(list, 'noble-server-cloudimg-amd64.img')).toEqual({ sha256: SHA });
    expect(pickChecksum(list, 'noble-server-cloudimg-arm64.img')).toEqual({ sha256: OTHER_SHA });
  });

  it('reads BSD lines inside a signed Fedora CHECKSUM file, and uppercase sums', () => {
    const list = [
      '-----BEGIN PGP SIGNED MESSAGE-----',
      'Hash: SHA256',
      '',
      '# Fedora-Cloud-Base-41.x86_64.qcow2: 524288000 bytes',
      `SHA256 (Fedora-Cloud-Base-41.x86_64.qcow2) = ${SHA.toUpperCase()}`,
      '-----BEGIN PGP SIGNATURE-----',
    ].join('\r\n');
    expect(pickChecksum(list, 'Fedora-Cloud-Base-41.x86_64.qcow2')).toEqual({ sha256: SHA });
  });

  it('takes MD5SUMS, and names with ./ or a directory', () => {
    expect(pickChecksum(`${MD5}  ./debian-12.qcow2\n`, 'debian-12.qcow2')).toEqual({ md5: MD5 });
    expect(pickChecksum(`${SHA}  images/debian-12.qcow2\n`, 'debian-12.qcow2')).toEqual({ sha256: SHA });
  });

  it('says why it cannot pick a line', () => {
    expect(() => pickChecksum(`${SHA}  other.img\n`, 'wanted.img')).toThrow(/no line for "wanted.img"/);
    expect(() => pickChecksum(`${SHA}  a.img\n${OTHER_SHA}  a.img\n`, 'a.img')).toThrow(/more than once/);
    expect(() => pickChecksum(`${'a'.repeat(128)}  a.img\n`, 'a.img')).toThrow(
      /SHA-512 sums; give a SHA256SUMS or MD5SUMS/,
    );
    expect(() => pickChecksum('<html>Not found</html>', 'a.img')).toThrow(/no line/);
    // A name that merely ends like the wanted one is another file.
    expect(() => pickChecksum(`${SHA}  old-a.img\n`, 'a.img')).toThrow(/no line/);
  });

  it('searches for the last segment of the source URL, decoded, or the uploaded file name', () => {
    expect(checksumFileName('https://mirror.example.com/releases/24.04/ubuntu%20server.img?x=1', null)).toBe(
      'ubuntu server.img',
    );
    expect(checksumFileName(null, 'C:\\Users\\me\\disk.qcow2')).toBe('disk.qcow2');
    expect(checksumFileName('https://mirror.example.com/', null)).toBeNull();
    expect(checksumFileName(null, undefined)).toBeNull();
  });
});
