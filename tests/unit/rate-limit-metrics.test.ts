import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/open';
import { Metrics } from '../../src/ops/metrics';

describe('429s in /metrics', () => {
  it('are counted by the scope Discord named, any other value as "other", so a strange answer cannot add series without end', async () => {
    const metrics = new Metrics({ db: {} as Db, databasePath: ':memory:', outboxCounts: () => [], gatewayConnected: () => true });
    for (const scope of ['user', 'shared', 'made-up-1', 'made-up-2', null]) metrics.answered(429, scope, null);
    const values = (await metrics.registry.getSingleMetric('hearth_discord_rate_limits_total')!.get()).values;
    expect(Object.fromEntries(values.map((v) => [v.labels.scope, v.value]))).toEqual({ user: 1, shared: 1, other: 2, unknown: 1 });
  });
});
