import 'server-only';
import type { Endpoint } from '@/lib/api/v1/endpoint';
import { AUDIT_ENDPOINTS } from './audit';
import { CLOUD_ENDPOINTS } from './clouds';
import { DATA_CENTER_ENDPOINTS } from './data-centers';
import { IMAGE_PLACEMENT_ENDPOINTS } from './image-placement';
import { IMAGE_ENDPOINTS } from './images';
import { INFRASTRUCTURE_ENDPOINTS } from './infrastructure';
import { JOB_ENDPOINTS } from './jobs';
import { NODE_ENDPOINTS } from './nodes';
import { REPOSITORY_ENDPOINTS } from './repositories';
import { TOKEN_ENDPOINTS } from './tokens';
import { USER_ENDPOINTS } from './users';

/** Every endpoint of the JSON API v1 that acts for a token's user. */
export const ENDPOINTS: Endpoint[] = [
  ...IMAGE_ENDPOINTS,
  ...IMAGE_PLACEMENT_ENDPOINTS,
  ...DATA_CENTER_ENDPOINTS,
  ...NODE_ENDPOINTS,
  ...JOB_ENDPOINTS,
  ...INFRASTRUCTURE_ENDPOINTS,
  ...USER_ENDPOINTS,
  ...REPOSITORY_ENDPOINTS,
  ...TOKEN_ENDPOINTS,
  ...AUDIT_ENDPOINTS,
  ...CLOUD_ENDPOINTS,
];
