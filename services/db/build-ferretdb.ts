// Builds (or finds cached) the embedded FerretDB binary; `.ci/run` and the Dockerfile call it ahead of tests.
import { ensureFerretDbBinary } from './ferretdb-launcher.js';

const started = Date.now();
const binary = ensureFerretDbBinary((message) => console.log(message));
console.log(`embedded FerretDB ready at ${binary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
