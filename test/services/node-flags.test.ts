// The heap bounds are one list (services/node-flags.ts); `npm start` and the image must carry exactly it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../../services/node-flags.js';

const root = new URL('../../', import.meta.url);

describe('the service’s Node flags', () => {
  it('are those of `npm start`', () => {
    const scripts = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts as Record<string, string>;
    const start = scripts.start!.split(' ');
    expect(start.filter((word) => word.startsWith('--max-'))).toEqual([...SERVICE_NODE_FLAGS]);
    expect(start.slice(-3)).toEqual(['--import', 'tsx', 'services/main.ts']);
  });

  it('are those of the image’s CMD', () => {
    const cmd = readFileSync(new URL('Dockerfile', root), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('CMD '))!;
    expect(JSON.parse(cmd.slice(4))).toEqual(['node', ...SERVICE_NODE_FLAGS, 'dist/services/main.js']);
  });

  it('bound the old generation well above the live heap the benchmarks measured (≈ 100 MB)', () => {
    const old = SERVICE_NODE_FLAGS.find((flag) => flag.startsWith('--max-old-space-size='));
    expect(Number(old!.split('=')[1])).toBeGreaterThanOrEqual(256);
  });
});
