// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by file (or package), the top entries
// first. The benchmarks write the service's profile with BENCH_CPU_PROF=<dir>; then:
// Run: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile | dir (newest profile)> [TOP=25]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const TOP = Number(process.env.TOP ?? 25);

/** The file to read: the argument, or the newest .cpuprofile in the folder it names. */
function profilePath(argument: string): string {
  if (!statSync(argument).isDirectory()) return argument;
  const files = readdirSync(argument)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(argument, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files.length === 0) throw new Error(`no .cpuprofile in ${argument}`);
  return files[0]!;
}

/** Where a function lives, shortened: a package name, our own file, or node's internals. */
function place(url: string): string {
  if (url === '') return '(native / V8)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return `npm:${modules[1]}`;
  if (url.startsWith('node:')) return url;
  const own = /\/(services|policies|bench|fixtures|test)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

function summarise(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node: the time deltas of the samples that landed in it.
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = place(url);
    const name = `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byPlace.set(where, (byPlace.get(where) ?? 0) + us);
  }
  const print = (title: string, table: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [name, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      console.log(
        `${(us / 1000).toFixed(0).padStart(8)} ms ${((us / totalUs) * 100).toFixed(1).padStart(5)} %  ${name}`,
      );
    }
  };
  console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${profile.samples.length} samples`);
  print('self time by function', byFunction);
  print('self time by file or package', byPlace);
}

const argument = process.argv[2];
if (!argument) {
  console.error('usage: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile | folder>');
  process.exit(2);
}
summarise(profilePath(argument));
