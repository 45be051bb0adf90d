// What other contexts may know of members without touching the members' collections: the active members with
// their unwrapped data keys (research reads them in bulk), one member's data key, and their research profile.
import type { Connection, Model } from 'mongoose';
import type { ResearchProfile } from '../../policies/research/group-by.js';
import type { Keyring } from '../crypto/keyring.js';
import { toBuffer } from '../db/connection.js';
import { NotFound } from '../errors.js';
import { openProfile } from './profile.js';
import { userModel, type UserDocument } from './user.model.js';

/** An active member as another context sees them: id, unwrapped data key and the still sealed profile. */
export interface DirectoryMember {
  id: string;
  key: Buffer;
  sealedProfile: Buffer;
}

export interface MemberDirectory {
  /** Every active member, with their unwrapped data key and sealed profile, in one read. */
  activeMembers(): Promise<DirectoryMember[]>;
  /** The research profile of a member (birth year, sex, region), for groupBy cells; opened only when asked. */
  researchProfileOf(member: DirectoryMember): ResearchProfile;
  /** The member's data key, unwrapped; NotFound when the account no longer exists. */
  dataKeyOf(memberId: string): Promise<Buffer>;
  /** True when a steward verified the researcher's organisation as non-profit (DUO NPU). */
  researcherIsNonProfit(researcherId: string): Promise<boolean>;
}

/** The member directory over the members' user records. */
export function createMemberDirectory({ connection, keyring }: { connection: Connection; keyring: Keyring }) {
  const users: Model<UserDocument> = userModel(connection);
  const directory: MemberDirectory = {
    async activeMembers() {
      const found = await users.find({ role: 'member', status: 'active' }, { wrappedKey: 1, profile: 1 }).lean();
      return found.map((user) => ({
        id: user._id,
        key: keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey)),
        sealedProfile: toBuffer(user.profile),
      }));
    },
    researchProfileOf(member) {
      const profile = openProfile(member.key, member.id, member.sealedProfile);
      return { birthYear: profile.birthYear ?? null, sex: profile.sex ?? null, region: profile.region ?? null };
    },
    async dataKeyOf(memberId) {
      const user = await users.findById(memberId, { wrappedKey: 1 }).lean();
      if (!user?.wrappedKey) throw new NotFound();
      return keyring.unwrapMemberKey(memberId, toBuffer(user.wrappedKey));
    },
    async researcherIsNonProfit(researcherId) {
      const user = await users.findById(researcherId, { researcher: 1 }).lean();
      return user?.researcher?.nonProfit === true;
    },
  };
  return directory;
}
