import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoldRecheck } from '../../src/lib/bench/gold-recheck.js';
import { connect } from '../../src/lib/engines/postgres.js';
import { goldTables } from '../../src/lib/engines/schema.js';
import type { RunRecord } from '../../src/lib/results/record.js';
import { json, runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const { stateDir, resultsDir, stackArgs, config } = e2eStack('gold-late', 27092);
const TEN_MINUTES_MS = 600_000;

/**
 * Windows are 10 minutes long, so a short run closes one only if it crosses a 10-minute boundary in event time.
 * The run's event time starts 30 s before the next boundary B (--event-time-start; the stack is this file's own,
 * so event times ahead of the wall clock disturb no other run): the window ending at B closes for both jobs when
 * event time reaches B + 10 s (40 s into the run), and its late events (1%, 30 s after it closed) are sent 70 s
 * into the run, before it ends at 80 s.
 */
const boundaryMs = (Math.floor(Date.now() / TEN_MINUTES_MS) + 1) * TEN_MINUTES_MS;
const eventTimeStart = new Date(boundaryMs - 30_000).toISOString();

describe('a run with late and out-of-order events and gold on', () => {
  let run: RunRecord;

  beforeAll(async () => {
    const up = await runCli(['up', ...stackArgs, '--engines', 'spark,flink', '--timeout', '10m', '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it("finds Spark's and Flink's gold equal to the truth on every window their watermark closed", async () => {
    const result = await runCli([
      'run',
      ...stackArgs,
      '--results-dir',
      resultsDir,
      '--engines',
      'spark,flink',
      '--duration',
      '80s',
      '--rate',
      '200',
      '--warmup',
      '5s',
      '--disorder',
      '2s',
      '--late',
      '0.01:30s',
      '--event-time-start',
      eventTimeStart,
      '--schedule-lag-bound',
      '2s',
      '--drain-timeout',
      '90s',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    run = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(run.status, run.statusReasons.join('\n')).toBe('complete');
    expect(run.config.eventTime).toEqual({
      disorderMs: 2000,
      lateFraction: 0.01,
      lateDelayMs: 30_000,
      eventTimeStartUs: (boundaryMs - 30_000) * 1000,
    });
    const gold = run.gold;
    expect(gold?.truthEvents).toBe(run.producer?.sentEvents);
    for (const engine of ['spark', 'flink'] as const) {
      const producer = gold?.producers[engine];
      expect(producer?.watermarkDelayMs).toBe(10_000);
      const tenMinutes = producer?.tables.tenMinutes;
      console.info(`${engine} 10-minute gold: ${JSON.stringify(tenMinutes)}`);
      // The window ending at the boundary, for each of the five pairs.
      expect(tenMinutes).toMatchObject({
        closedWindows: 5,
        rightWindows: 5,
        wrongWindows: 0,
        missingWindows: 0,
        extraWindows: 0,
      });
      // About 1% of the 6,000 events of the closed window, each counted as included or dropped.
      expect(tenMinutes?.lateEvents).toBeGreaterThan(20);
      expect((tenMinutes?.lateIncludedEvents ?? 0) + (tenMinutes?.lateDroppedEvents ?? 0)).toBe(
        tenMinutes?.lateEvents,
      );
      expect(tenMinutes?.freshness.count).toBe(5);
      // Never negative: Spark's update mode commits a window's final row before it closes (counted, freshness 0).
      expect(tenMinutes?.freshness.p50Us).toBeGreaterThanOrEqual(0);
      expect(run.engines[engine]?.incompleteReasons ?? []).toEqual([]);
    }
  });

  it('reports a corrupted gold row as wrong when the run is checked again, naming the field', async () => {
    const client = await connect(config);
    try {
      const updated = await client.query(
        `UPDATE ${goldTables('flink').tenMinutes} SET high = high + 1
         WHERE run_id = $1 AND symbol = 'BTC-USD' AND window_start = $2`,
        [run.runId, new Date(boundaryMs - TEN_MINUTES_MS)],
      );
      expect(updated.rowCount).toBe(1);
    } finally {
      await client.end();
    }
    const check = await runCli([
      'gold',
      'check',
      run.runId,
      '--state-dir',
      stateDir,
      '--results-dir',
      resultsDir,
      '--json',
    ]);
    expect(check.code, check.stderr).toBe(7);
    const { gold, reasons } = json<GoldRecheck>(check);
    expect(gold.truthEvents).toBe(run.producer?.sentEvents);
    expect(gold.producers.flink?.tables.tenMinutes).toMatchObject({ rightWindows: 4, wrongWindows: 1 });
    expect(gold.producers.flink?.tables.tenMinutes.wrong[0]).toMatchObject({
      symbol: 'BTC-USD',
      field: 'high',
    });
    expect(gold.producers.spark?.tables.tenMinutes).toMatchObject({ rightWindows: 5, wrongWindows: 0 });
    expect(reasons).toEqual([
      expect.stringMatching(
        /^flink gold 10-minute windows: 1 wrong, 0 missing, 0 extra of 5 closed \(first: BTC-USD .* high expected/,
      ),
    ]);
  });
});
