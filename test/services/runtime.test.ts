import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs the tests on Node.js 24 LTS (brought by npm ci as node-linux-<arch>, not the machine’s own node)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
  });
});
