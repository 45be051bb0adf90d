// Witnesses' cosignatures, published beside the checkpoints they cosign. A witness (`npm run coop -- witness <url>
// --publish`) checks a checkpoint against the one it saw before and cosigns it; posting the cosignature here lets
// every visitor see which independent parties vouched for the checkpoint they are served — and lets witnesses and
// members compare: a log showing different checkpoints to different visitors (a split view) cannot show them all
// the configured witnesses' cosignatures, since an honest witness cosigns only one history. Only witnesses the
// operator configured (DATACOOP_AUDIT_WITNESSES) are accepted, and only a valid cosignature over a checkpoint this
// log signed, so what is stored is bounded by checkpoints × witnesses.
import type { Connection } from 'mongoose';
import { AppError, Forbidden, InvalidRequest } from '../errors.js';
import { parseWitnessKey, splitNote, verifyCosignature } from './domain/signed-note.js';
import { AuditKeyError } from './audit-anchor.js';

const COLLECTION = 'audit_cosignatures';

interface CosignatureDocument {
  /** `<tree size>:<witness name>`: one cosignature per witness and checkpoint (the first valid one is kept). */
  _id: string;
  size: number;
  witness: string;
  line: string;
  at: Date;
}

export interface CosignatureView {
  witness: string;
  /** The tlog-cosignature/v1 signature line, to append to the checkpoint's note. */
  line: string;
}

export interface WitnessCosignatures {
  /** The configured witnesses' verifier keys (public). */
  readonly witnessKeys: readonly string[];
  /**
   * Checks and keeps a witness's cosignature of the checkpoint at `size`: 404 `checkpoint_unknown` when the log
   * signed none there, 403 `witness_unknown` for a witness not configured, 400 `cosignature_invalid` when the line
   * does not verify over that checkpoint (e.g. a witness that was shown another checkpoint at that size).
   */
  add(size: number, line: string, now: Date): Promise<CosignatureView>;
  /** The cosignatures kept for the checkpoint at `size`, by witness name. */
  of(size: number): Promise<CosignatureView[]>;
}

export function createWitnessCosignatures(deps: {
  connection: Connection;
  /** The signed note of the checkpoint at exactly `size`, or null. */
  checkpointAt(size: number): Promise<{ note: string } | null>;
  witnessKeys: readonly string[];
}): WitnessCosignatures {
  const witnesses = new Map(
    deps.witnessKeys.map((text) => {
      const key = parseWitnessKey(text);
      if (!key)
        throw new AuditKeyError(
          `DATACOOP_AUDIT_WITNESSES: ${text} is not a witness's Ed25519 cosignature verifier key.`,
        );
      return [key.name, key.publicKey] as const;
    }),
  );
  const collection = deps.connection.db!.collection<CosignatureDocument>(COLLECTION);

  return {
    witnessKeys: [...deps.witnessKeys],

    async add(size, line, now) {
      const checkpoint = await deps.checkpointAt(size);
      if (!checkpoint) throw new AppError(404, 'checkpoint_unknown', `This log signed no checkpoint at size ${size}.`);
      const text = splitNote(checkpoint.note)!.text;
      const name = /^\u2014 (\S+) /.exec(line)?.[1];
      const publicKey = name === undefined ? undefined : witnesses.get(name);
      if (name === undefined) throw invalid('Not a cosignature line (— <witness name> <base64>).');
      if (!publicKey) {
        throw new Forbidden('witness_unknown', `The witness ${name} is not one this cooperative lists.`);
      }
      const normalised = line.endsWith('\n') ? line : `${line}\n`;
      if (!verifyCosignature(normalised, text, name, publicKey)) {
        throw invalid(`The cosignature does not verify over the checkpoint at size ${size}.`);
      }
      const _id = `${size}:${name}`;
      // The first valid cosignature stays (a later one, with another time, says the same); a replay changes nothing.
      await collection.updateOne(
        { _id },
        { $setOnInsert: { size, witness: name, line: normalised, at: now } },
        { upsert: true },
      );
      const kept = await collection.findOne({ _id });
      return { witness: name, line: kept?.line ?? normalised };
    },

    async of(size) {
      const found = await collection.find({ size }).toArray();
      return found
        .map((d) => ({ witness: d.witness, line: d.line }))
        .sort((a, b) => (a.witness < b.witness ? -1 : a.witness > b.witness ? 1 : 0));
    },
  };
}

function invalid(message: string): InvalidRequest {
  return new InvalidRequest('cosignature_invalid', message, [
    { field: 'cosignature', code: 'cosignature_invalid', message },
  ]);
}
