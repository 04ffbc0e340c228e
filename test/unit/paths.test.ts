import { describe, expect, it } from 'vitest';
import { imageFilesOnNode, pathInImageDir } from '@/lib/nodes/paths';

describe('paths on a node are confined to its image directory', () => {
  it('joins a plain file name', () => {
    expect(pathInImageDir('/var/lib/images', 'ubuntu.qcow2')).toBe('/var/lib/images/ubuntu.qcow2');
    expect(imageFilesOnNode('/srv/img', 'a.raw')).toEqual({
      file: '/srv/img/a.raw',
      part: '/srv/img/a.raw.part',
      partSource: '/srv/img/a.raw.part.source',
      partPid: '/srv/img/a.raw.part.pid',
      manifest: '/srv/img/a.raw.manifest.json',
      manifestPart: '/srv/img/a.raw.manifest.json.part',
    });
  });

  it.each(['..', '.', '', '../x', 'a/b', '/etc/passwd', 'a\0b', 'a\nb', 'x'.repeat(201)])(
    'refuses the file name %j',
    (name) => {
      expect(() => pathInImageDir('/var/lib/images', name)).toThrow(/not a safe file name/);
    },
  );

  it.each(['relative/dir', '/', '/var/lib/../etc', '/var/lib/images/', '/var//lib'])(
    'refuses the image directory %j',
    (dir) => {
      expect(() => pathInImageDir(dir, 'x.qcow2')).toThrow(/normalised absolute path/);
    },
  );

  it('keeps odd but harmless names literal', () => {
    expect(pathInImageDir('/img', '..hidden')).toBe('/img/..hidden');
    expect(pathInImageDir('/img', '$(x) `y`;z')).toBe('/img/$(x) `y`;z');
  });
});
