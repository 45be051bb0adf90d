// Impact previews are released once per proposal and stage and then only read back: the first snapshot stored
// is the one everybody sees, so a consent withdrawn later changes nothing visible (issue 18).
import type { Connection, mongo } from 'mongoose';
import { keepFirst } from './keep-first.js';
import { IMPACT_COLLECTION, type ImpactSnapshotDocument } from './research.model.js';

/** Stores each proposal's impact snapshot once per stage. */
export class ImpactSnapshots {
  private readonly snapshots: mongo.Collection<ImpactSnapshotDocument>;

  constructor(connection: Connection) {
    this.snapshots = connection.collection<ImpactSnapshotDocument>(IMPACT_COLLECTION);
  }

  async find(proposalId: string, stage: ImpactSnapshotDocument['stage']): Promise<ImpactSnapshotDocument | null> {
    return this.snapshots.findOne({ _id: `${proposalId}:${stage}` });
  }

  /** Keeps `snapshot` unless another request stored this stage first: then theirs is the one answered. */
  async keep(snapshot: ImpactSnapshotDocument): Promise<ImpactSnapshotDocument> {
    return keepFirst(this.snapshots, snapshot);
  }
}
