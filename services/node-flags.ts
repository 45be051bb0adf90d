// The service's V8 heap bounds, one list for every way it runs: `npm start` (package.json), the image (Dockerfile
// CMD), the benchmarks' service process and the fault tests' (a test checks the first two carry exactly these).
// Measured (BENCHMARKS.md, "Memory"): a 200 MB import peaked at 540 MB RSS without them and 288 MB with them, in
// the same time; the service's live heap stays near 100 MB, so the cap is not close to what it uses.
export const SERVICE_NODE_FLAGS: readonly string[] = [
  // The old generation may grow to 256 MB: V8 collects before growing past it, instead of letting garbage pile up.
  '--max-old-space-size=256',
  // Young-generation semi-spaces of 8 MB (the default grows them to 32+ MB per space under allocation pressure).
  '--max-semi-space-size=8',
];
