// The single entry point: loads the chosen language's dictionary, then defines the app shell (which renders at
// once: <coop-app> is in index.html); pages load on demand.
import { getLocale, loadLocale } from '../i18n/i18n.js';

await loadLocale(getLocale());
await import('./coop-app.js');
