// Members' "no e-mail of this kind": one document per account and kind, so writing twice is harmless.
import type { MailCollections } from './mail.model.js';

const optOutId = (userId: string, kind: string) => `${userId}:${kind}`;

/** Switches one kind of e-mail off (on = false) or on again for an account. */
export async function setOptOut(
  collections: MailCollections,
  userId: string,
  kind: string,
  optedOut: boolean,
  now: Date,
): Promise<void> {
  const _id = optOutId(userId, kind);
  if (optedOut) await collections.optOuts.updateOne({ _id }, { $set: { userId, kind, at: now } }, { upsert: true });
  else await collections.optOuts.deleteOne({ _id });
}

/** True when the account switched this kind off. */
export async function isOptedOut(collections: MailCollections, userId: string, kind: string): Promise<boolean> {
  return (await collections.optOuts.findOne({ _id: optOutId(userId, kind) }, { projection: { _id: 1 } })) !== null;
}

/** The kinds an account switched off. */
export async function optedOutKinds(collections: MailCollections, userId: string): Promise<string[]> {
  return (await collections.optOuts.find({ userId }).toArray()).map((o) => o.kind);
}
