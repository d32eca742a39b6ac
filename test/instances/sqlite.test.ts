import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { twoProcessSuite } from './two-processes.ts';

// Several processes sharing one SQLite file on one disk, as the README allows.
twoProcessSuite({
  name: 'a shared SQLite file',
  health: 'sqlite',
  async create(scratch) {
    // The file goes with the stand-ins' scratch folder.
    return { env: { DATABASE_PATH: join(scratch, `shared-${randomBytes(4).toString('hex')}.db`) }, drop: async () => {} };
  },
});
