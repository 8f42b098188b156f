import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeVersionSupported } from '../../src/ops/runtime';

describe('the Node versions Hearth supports (package.json engines)', () => {
  it('takes Node 20.12+, 22.12+ and 24 up to 24.18, and not the 24.x releases whose headers break the SQLite driver', () => {
    for (const version of ['20.12.0', '20.20.2', '22.12.0', '22.23.3', '24.0.0', '24.18.0']) expect(nodeVersionSupported(version), version).toBe(true);
    for (const version of ['18.20.0', '20.11.1', '21.7.0', '22.11.0', '23.1.0', '24.19.0', '24.21.0', '26.10.0']) expect(nodeVersionSupported(version), version).toBe(false);
  });

  it('.nvmrc names a version that engines allow', () => {
    expect(nodeVersionSupported(readFileSync(new URL('../../.nvmrc', import.meta.url), 'utf8').trim())).toBe(true);
  });
});
