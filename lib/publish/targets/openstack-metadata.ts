import 'server-only';
import type { OpenstackSettings } from '@/lib/clouds/settings';
import type { DiskFormat } from '@/lib/db/enums';
import type { PublishedImageAttributes, UploadOptions } from '@/lib/publish/target';

/**
 * Our image's attributes as a Glance image: the core fields, the properties Nova reads when it
 * boots it (os_type, os_distro, hw_firmware_type, kernel_id, ramdisk_id), and cbp_image_id and
 * cbp_version, by which a published copy is found again.
 */

/** os_distro values of Glance's common image properties (libosinfo's short ids), by our names' first word. */
const DISTROS: Record<string, string> = {
  alma: 'almalinux',
  almalinux: 'almalinux',
  alpine: 'alpine',
  arch: 'arch',
  archlinux: 'arch',
  centos: 'centos',
  debian: 'debian',
  fedora: 'fedora',
  freebsd: 'freebsd',
  gentoo: 'gentoo',
  netbsd: 'netbsd',
  openbsd: 'openbsd',
  opensuse: 'opensuse',
  redhat: 'rhel',
  rhel: 'rhel',
  rocky: 'rocky',
  sles: 'sles',
  ubuntu: 'ubuntu',
};

// Glance requires the container format of a kernel, ramdisk or machine image to be its disk format.
const AMAZON_FORMATS: readonly DiskFormat[] = ['aki', 'ari', 'ami'];

export function glanceImageBody(
  image: PublishedImageAttributes,
  diskFormat: DiskFormat,
  settings: OpenstackSettings,
  linked: UploadOptions['linked'],
): Record<string, unknown> {
  const amazon = AMAZON_FORMATS.includes(diskFormat);
  const containerFormat = amazon
    ? diskFormat
    : (AMAZON_FORMATS as readonly string[]).includes(image.containerFormat)
      ? 'bare'
      : image.containerFormat;
  const body: Record<string, unknown> = {
    name: image.name,
    disk_format: diskFormat,
    container_format: containerFormat,
    min_disk: Math.max(0, Math.ceil(image.minDiskGb)),
    min_ram: Math.max(0, Math.ceil(image.minRamMb)),
    visibility: settings.visibility,
    // Set only once the data is in (see openstack.ts): a protected image could not be discarded.
    protected: false,
    tags: image.tags,
    cbp_image_id: image.id,
    cbp_version: image.version,
  };
  const osType = image.osType === 'linux' || image.osType === 'windows' ? image.osType : undefined;
  if (osType) body.os_type = osType;
  const distro = osDistro(image);
  if (distro) body.os_distro = distro;
  if (image.bootType === 'uefi') body.hw_firmware_type = 'uefi';
  if (image.description) body.description = image.description.slice(0, 255);
  if (linked?.kernelId) body.kernel_id = linked.kernelId;
  if (linked?.ramdiskId) body.ramdisk_id = linked.ramdiskId;
  return body;
}

/** Nova and Horizon read os_distro; a guess they do not know is worse than none, so only known names. */
export function osDistro(image: Pick<PublishedImageAttributes, 'name' | 'osType'>): string | undefined {
  if (image.osType === 'windows') return 'windows';
  if (image.osType !== 'linux' && image.osType !== 'bsd') return undefined;
  const first = image.name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .find(Boolean);
  return first ? DISTROS[first] : undefined;
}
