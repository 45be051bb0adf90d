// Runs the data check on an open connection with the service's own code, as restore and verify-data both do.
import type { Connection } from 'mongoose';
import type { Config } from '../config.js';
import { createServices } from '../container.js';
import { holdsKeyring, verifyData, type DataVerification } from './verify-data.js';

/** Builds the services on `connection` (unless it holds no keyring) and verifies the data with `masterKey`. */
export async function verifyDatabase(
  connection: Connection,
  masterKey: Buffer,
  config: Readonly<Config>,
  now: Date,
): Promise<DataVerification> {
  if (!(await holdsKeyring(connection))) {
    return {
      valid: false,
      auditEntries: 0,
      auditCheckpoints: 0,
      accounts: 0,
      vaultsChecked: 0,
      problems: ['the database holds no keyring: it is empty, or not a Datacoop database'],
    };
  }
  const services = await createServices(connection, masterKey, config);
  try {
    return await verifyData(
      { connection, accounts: services.members, audit: services.audit, vault: services.vault },
      now,
    );
  } finally {
    await services.close();
  }
}
