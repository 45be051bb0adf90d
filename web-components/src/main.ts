// The single entry point: defines the app shell; pages load on demand.
import './coop-app.js';
