// The member's consent as a versioned, append-only history, each version sealed under the member's data key.
//
// Version n of a member is the document `<member>:<n>`, inserted with a unique insert (db/claims.ts): two
// concurrent changes never overwrite each other, the loser becomes version n + 1. Plaintext: member id, version
// number and the time of the change (so the version in force can be chosen without opening every member's
// history); the levels, conditions and opt-outs are sealed, bound to the member and the version.
import type { Connection, mongo } from 'mongoose';
import type { Consent, ConsentVersion } from '../../policies/research/consent.js';
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { readEverything } from '../db/document-reads.js';
import { Conflict } from '../errors.js';
import { CONSENT_COLLECTION, type ConsentDocument } from './research.model.js';

const SCHEMA_VERSION = 1;
const MAX_ATTEMPTS = 32;

function binding(id: string, memberId: string): Binding {
  return { collection: CONSENT_COLLECTION, recordId: id, memberId, schemaVersion: SCHEMA_VERSION };
}

/** Reads and appends consent versions; every method takes the member's unwrapped data key. */
export class ConsentStore {
  private readonly collection: mongo.Collection<ConsentDocument>;

  constructor(connection: Connection) {
    this.collection = connection.collection<ConsentDocument>(CONSENT_COLLECTION);
  }

  /** Every version the member recorded, oldest first (empty: the default consent, `none` everywhere). */
  async history(memberId: string, key: Buffer): Promise<ConsentVersion[]> {
    const documents = await this.collection.find({ member: memberId }).toArray();
    return openVersions(memberId, key, documents);
  }

  /** Appends a new version recorded at `now`; a concurrent change makes this one the next version. */
  async record(memberId: string, key: Buffer, consent: Consent, now: Date): Promise<ConsentVersion> {
    let version = (await this.history(memberId, key)).reduce((max, v) => Math.max(max, v.version), 0) + 1;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++, version++) {
      const { _id: id, ...fields } = consentDocument(memberId, key, version, consent, now);
      if (await claimOnce(this.collection as unknown as mongo.Collection<mongo.Document>, id, fields)) {
        return { version, recordedAt: now, consent };
      }
    }
    throw new Conflict('concurrent_update', 'Your consent changed meanwhile; reload and try again.');
  }

  /** Every member's versions in one read (a research query needs all of them), grouped by member. */
  async allDocuments(): Promise<Map<string, ConsentDocument[]>> {
    const byMember = new Map<string, ConsentDocument[]>();
    for (const document of await readEverything(this.collection)) {
      const list = byMember.get(document.member);
      if (list) list.push(document);
      else byMember.set(document.member, [document]);
    }
    return byMember;
  }

  /** Inserts consent versions as they are (bulk seeding; members' changes use `record`). */
  async insertDocuments(documents: readonly ConsentDocument[]): Promise<void> {
    if (documents.length > 0) await this.collection.insertMany([...documents]);
  }

  /** Deletes a member's history (erasure; the key is already gone, this only tidies up). */
  async deleteAll(memberId: string): Promise<void> {
    await this.collection.deleteMany({ member: memberId });
  }
}

/** Version `version` of a member's consent as stored: sealed under the member's key, bound to member and version. */
export function consentDocument(
  memberId: string,
  key: Buffer,
  version: number,
  consent: Consent,
  now: Date,
): ConsentDocument {
  const id = `${memberId}:${version}`;
  const sealed = sealJson(key, { consent, recordedAt: now.toISOString() }, binding(id, memberId));
  return { _id: id, member: memberId, version, recordedAt: now, sealed };
}

/** Opens a member's stored versions; a version that does not open (moved, altered) fails loudly. */
export function openVersions(memberId: string, key: Buffer, documents: readonly ConsentDocument[]): ConsentVersion[] {
  return documents
    .filter((d) => d.member === memberId)
    .map((d) => {
      const opened = openJson<{ consent: Consent; recordedAt: string }>(
        key,
        toBuffer(d.sealed),
        binding(d._id, memberId),
      );
      return { version: d.version, recordedAt: new Date(opened.recordedAt), consent: opened.consent };
    })
    .sort((a, b) => a.version - b.version);
}
