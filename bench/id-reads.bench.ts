// Reads by `_id` on the embedded FerretDB, which is built with the patches of services/db/ferretdb/patches/ (issue 16):
// a read by `_id` (and `_id $in`) searches SQLite's `_id` index; the same-run baseline finds the same documents by
// another indexed field, which FerretDB does not push down, so it decodes the whole collection — what every `_id`
// read cost before the patches. Also a guarded update `{_id, n}` (a claim's shape) and a batch of 500 ids.
// Run: npm run bench:id-reads  (DOCUMENTS=50000, READS=2000, BASELINE_READS=20 override)
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDatabase } from '../services/db/ferretdb-launcher.js';
import { finishReport, startReport } from './report.js';

const DOCUMENTS = Number(process.env.DOCUMENTS ?? 50_000);
const READS = Number(process.env.READS ?? 2_000);
const BASELINE_READS = Number(process.env.BASELINE_READS ?? 20);
const BATCH = 500;

async function perSecond(count: number, one: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await one(i);
  return count / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const report = startReport('id-reads', 'npm run bench:id-reads');
  const dir = mkdtempSync(join(tmpdir(), 'datacoop-bench-id-reads-'));
  const database = await startEmbeddedDatabase(dir);
  const client = await mongoose.mongo.MongoClient.connect(`${database.uri}bench`);
  try {
    const things = client.db().collection<{ _id: string; key: string; n: number; padding: string }>('things');
    await things.createIndex({ key: 1 }, { unique: true });
    const padding = 'x'.repeat(200);
    for (let i = 0; i < DOCUMENTS; i += 5_000) {
      const batch = Array.from({ length: Math.min(5_000, DOCUMENTS - i) }, (_, j) => {
        const n = i + j;
        return { _id: `thing-${n}`, key: `key-${n}`, n, padding };
      });
      await things.insertMany(batch);
    }
    const some = () => randomInt(DOCUMENTS);
    const byId = await perSecond(READS, () => things.findOne({ _id: `thing-${some()}` }));
    const byKey = await perSecond(BASELINE_READS, () => things.findOne({ key: `key-${some()}` }));
    const guarded = await perSecond(READS, (i) =>
      things.updateOne({ _id: `thing-${some()}`, n: { $gte: 0 } }, { $set: { touched: i } }),
    );
    const batches = await perSecond(Math.max(1, READS / 100), () =>
      things.find({ _id: { $in: Array.from({ length: BATCH }, () => `thing-${some()}`) } }).toArray(),
    );
    console.log(
      `${DOCUMENTS} documents of ~250 bytes: findOne by _id ${byId.toFixed(0)}/s, by another indexed field ` +
        `${byKey.toFixed(1)}/s, guarded updateOne by _id ${guarded.toFixed(0)}/s, ${BATCH} ids by $in ${(batches * BATCH).toFixed(0)} documents/s`,
    );
    report.figures.push(
      {
        name: 'findOne by _id (reads/s)',
        value: byId,
        unit: 'reads/s',
        baseline: byKey,
        baselineName: 'findOne by another field (not pushed down)',
        target: '≫ 1 (index search, not a scan)',
        met: byId > 10 * byKey,
      },
      {
        name: 'guarded updateOne {_id, n} (writes/s)',
        value: guarded,
        unit: 'writes/s',
        baseline: byKey,
        baselineName: 'findOne by another field',
        target: '≫ 1',
        met: guarded > 10 * byKey,
      },
      { name: `find _id $in ${BATCH} ids (documents/s)`, value: batches * BATCH, unit: 'docs/s' },
    );
  } finally {
    await client.close();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  finishReport(report);
}

await main();
