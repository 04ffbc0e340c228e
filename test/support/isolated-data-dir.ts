// Each integration test file gets its own data directory: its own database, secret and image store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

process.env.PORTAL_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-data-'));
delete process.env.DATABASE_URL;
delete process.env.AUTH_SECRET;
