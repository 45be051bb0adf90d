// Which bylaws exist and which govern now: the founding version plus every adopted amendment.
import { bylawsInForce as pickBylawsInForce } from '../../policies/assembly/bylaws-amendment.js';
import { currentBylaws, parseBylaws } from '../../policies/assembly/bylaws.js';
import { contentDigest } from '../../policies/shared/canonical-digest.js';
import type { BylawsVersionInfo, FinalisationStores } from './assembly.model.js';
import { adoptDueAmendments } from './finalisation.js';

/** Every bylaws version (founding first), after adopting any amendment whose vote is over. */
export async function bylawsVersions(deps: FinalisationStores, now: Date): Promise<BylawsVersionInfo[]> {
  await adoptDueAmendments(deps, now);
  const stored = await deps.bylaws.find({}).sort({ version: 1 }).toArray();
  return [
    { bylaws: currentBylaws, digest: contentDigest(currentBylaws), adoptedByProposal: null },
    ...stored.map((doc) => {
      const bylaws = parseBylaws(doc.bylaws);
      return { bylaws, digest: contentDigest(bylaws), adoptedByProposal: doc._id };
    }),
  ];
}

/** The bylaws governing a proposal opened now. */
export async function bylawsInForce(deps: FinalisationStores, now: Date): Promise<BylawsVersionInfo> {
  const versions = await bylawsVersions(deps, now);
  const inForce = pickBylawsInForce(
    versions.map((v) => v.bylaws),
    now,
  );
  return versions.find((v) => v.bylaws.version === inForce.version)!;
}
