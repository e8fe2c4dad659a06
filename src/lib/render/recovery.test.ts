import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../results/fault-record.js';
import type { RunRecord } from '../results/record.js';
import { faultLines, recoveryRows } from './recovery.js';

const base = JSON.parse(
  readFileSync(new URL('../results/fixtures/run-v1.json', import.meta.url), 'utf8'),
) as RunRecord;

/** A run with one `flink:kill@60s` whose Flink recovery had this downtime and recovery time (µs; null = none). */
function runWith(downtimeUs: number | null, recoveryUs: number | null): RunRecord {
  const fault: FaultRecord = {
    text: 'flink:kill@60s',
    target: 'flink',
    action: 'kill',
    plannedAtMs: 60_000,
    plannedAtUs: 0,
    injectedAtUs: 0,
    pauseMs: null,
    resumedAtUs: null,
    outcome: 'injected',
    detail: 'SIGKILL to process group 1',
    recovery: {
      flink: {
        downtimeUs,
        recoveryUs,
        preFaultP99Us: 50_000,
        p99BoundUs: 100_000,
        peakP99Us: null,
        peakBacklogEvents: 0,
        incidentEndUs: 0,
        notes: [],
        delayedEvents: null,
      },
    },
  };
  return { ...base, faults: [fault] };
}

describe('recoveryRows', () => {
  it('shows the median downtime and recovery over the runs of a series', () => {
    const [row] = recoveryRows([runWith(2_000_000, 5_000_000), runWith(4_000_000, 7_000_000)]);
    expect(row?.slice(0, 5)).toEqual(['flink:kill@60s', 'flink', '2', '3000.0 ms', '6000.0 ms']);
  });

  it('does not hide a run whose engine never committed again behind the downtime of the runs that did', () => {
    const [row] = recoveryRows([runWith(2_000_000, 5_000_000), runWith(null, null)]);
    expect(row?.[3]).toBe('no commit after it in 1 of 2');
    expect(row?.[4]).toBe('not recovered in 1 of 2');
  });
});

describe('faultLines', () => {
  it('says under each fault what its recovery figures need said, per engine', () => {
    const run = runWith(400_000, 25_000_000);
    const late = 'the engine stopped delivering again 12 s after the fault (it looked recovered at 1 s)';
    (run.faults?.[0]?.recovery.flink as { notes: string[] }).notes = [late];
    const lines = faultLines(run);
    expect(lines[0]).toMatch(/^ {2}fault flink:kill@60s: injected at /);
    expect(lines[1]).toBe(`    flink: ${late}`);
  });
});
