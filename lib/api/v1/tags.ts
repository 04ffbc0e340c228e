import 'server-only';

/**
 * The groups of the JSON API v1, in the order the document and the API page show them. An endpoint
 * names one of these (the type says so), so no endpoint lands in a group the document does not describe.
 */
export const API_TAGS = {
  Images:
    'The image catalogue: create, edit, upload a file, change the lifecycle, delete permanently, attach to data centers, and put images on nodes.',
  'Data centers':
    'Data centers (locations), with their nodes and machines, and the sync jobs that read what their nodes hold.',
  Nodes:
    'Compute nodes reached over SSH: probe, register with a pinned host key, test, enable, maintenance, decommission.',
  Machines: 'Machines recorded on nodes, so that refusals of an image in use are real.',
  Jobs: 'Durable jobs (installs, uninstalls, syncs, imports, publishes): progress, log, and cancel.',
  Sizes: 'VM sizes, and where each one fits.',
  Credentials: 'SSH keys the portal connects to nodes with; only public parts are ever shown.',
  Users: 'People, the SuperAdmin flag, and role grants per data center.',
  'Image repositories': 'Remote IMGAPI repositories: their cached listings, and imports from them.',
  Clouds:
    'Cloud accounts (OpenStack Glance, S3, Azure Blob) and publishing images to them, verified against our checksums.',
  Audit: 'The audit log: who did what, to which target, with what outcome; the same filters as the Audit page.',
  Tokens: 'Personal API tokens: trade a password for one, list, create and revoke them.',
} as const;

export type ApiTag = keyof typeof API_TAGS;
