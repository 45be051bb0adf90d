// What of a stored observation leaves the server: exactly the member's own fields, nothing of storage.
import type { StoredObservation } from '../../../vault/index.js';

/** One observation as the API shows it. */
export function presentObservation(o: StoredObservation) {
  return {
    id: o.id,
    category: o.category,
    ...(o.value === undefined ? { components: { ...o.components } } : { value: o.value }),
    unit: o.unit,
    effectiveAt: o.effectiveAt,
    source: o.source,
    ...(o.note === undefined ? {} : { note: o.note }),
  };
}
