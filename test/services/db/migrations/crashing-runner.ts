// Child process for the crash test: runs the stepped migration and pauses after step 3, where the test SIGKILLs it.
import { connectDatabase } from '../../../../services/db/connection.js';
import { runMigrations } from '../../../../services/db/migrations/index.js';
import { steppedMigration } from './step-migrations.js';

const connection = await connectDatabase(process.env.MIGRATION_TEST_URI!, {
  dbName: process.env.MIGRATION_TEST_DB!,
  embedded: process.env.MIGRATION_TEST_EMBEDDED === 'true',
});
const migrations = steppedMigration({
  runner: 'first',
  stepMs: 200,
  pauseAfterStep3Ms: 60_000,
  report: (line) => console.log(line),
});
await runMigrations(connection.db!, migrations, { leaseMs: 1_000 });
console.log('finished'); // never reached in the test: the process is killed halfway
await connection.close();
