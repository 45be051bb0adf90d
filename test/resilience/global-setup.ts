// Builds the embedded FerretDB once before the fault tests (each test file starts its own server from it).
import { ensureFerretDbBinary } from '../../services/db/ferretdb-launcher.js';

export default function setup(): void {
  ensureFerretDbBinary((message) => console.log(message));
}
