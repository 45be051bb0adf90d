// The member's export of everything they stored: audited (pseudonymously) first, then month by month.
import type { VaultStore } from './vault-store.js';
import type { StoredObservation } from './vault.model.js';

export interface ExportDeps {
  store: VaultStore;
  dataKeyOf(memberId: string): Promise<Buffer>;
  auditName(memberId: string): string;
  audit?: { append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> };
}

/** Every observation of the member, month by month in time order, for a streamed export. */
export async function* exportObservations(deps: ExportDeps, memberId: string): AsyncGenerator<StoredObservation[]> {
  const key = await deps.dataKeyOf(memberId);
  await deps.audit?.append('member.exported', deps.auditName(memberId), {}, new Date());
  const head = await deps.store.readHead(memberId, key);
  const months = [...new Set(head.chunks.map((c) => c.month))].sort();
  for (const month of months) yield await deps.store.read(memberId, key, { fromMonth: month, toMonth: month }, head);
}
