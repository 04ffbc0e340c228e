import 'server-only';
import type { CloudConnection } from '@/lib/clouds/settings';
import type { CloudTarget } from '../target';
import { azureBlobTarget } from './azure-blob';
import { openstackTarget } from './openstack';
import { s3Target } from './s3';

/** The target a cloud account's connection publishes through. */
export function targetFor(connection: CloudConnection): CloudTarget {
  switch (connection.kind) {
    case 'openstack':
      return openstackTarget(connection.settings, connection.secrets);
    case 's3':
      return s3Target(connection.settings, connection.secrets);
    case 'azure-blob':
      return azureBlobTarget(connection.settings, connection.secrets);
  }
}
