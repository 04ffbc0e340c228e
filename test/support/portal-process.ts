/**
 * A second portal process for restart tests: it starts the portal's job runner on the shared data
 * directory (PORTAL_DATA_DIR) and runs until it is killed, as the real server would be.
 * Run with `tsx --conditions=react-server`.
 */
import { startPortal } from '@/lib/startup';

void startPortal()
  .then(() => console.log('portal-process: started'))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
setInterval(() => undefined, 60_000);
