// Reading access requests: a researcher sees their own, a steward sees all.
import type { Actor } from '../auth/index.js';
import { NotFound } from '../errors.js';
import type { RequestStore } from './request-store.js';
import type { ResearchRequestDocument } from './research.model.js';

/** Requests: a researcher sees their own, a steward sees all. */
export async function listRequests(requests: RequestStore, actor: Actor): Promise<ResearchRequestDocument[]> {
  return requests.list(actor.role === 'steward' ? null : actor.userId);
}

/** One request; another researcher's is 404. */
export async function getRequest(requests: RequestStore, actor: Actor, id: string): Promise<ResearchRequestDocument> {
  const document = await requests.find(id);
  if (!document || (actor.role !== 'steward' && document.researcherId !== actor.userId)) throw new NotFound();
  return document;
}
