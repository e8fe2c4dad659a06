import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { combineClockEstimates, type ClockEstimate } from '../metrics/clock-offset.js';
import { formatFiguresCsv } from '../results/figures.js';
import type { RunRecord } from '../results/record.js';
import { CLOCK_MARK, clockEngineNotes, describeClock } from './clock.js';
import { engineTable, HEADLINE_METRICS, renderRunHeading } from './compare.js';

const estimate = (offsetUs: number, uncertaintyUs: number, atUs: number): ClockEstimate => ({
  offsetUs,
  uncertaintyUs,
  atUs,
  samples: 20,
});

const oneHost = combineClockEstimates({
  start: estimate(4, 41, 0),
  end: estimate(-12, 55, 60_000_000),
  oneHost: true,
  samples: 20,
});
// Applied: +12.30 ms ± (0.70 + 0.30) ms = ± 1.00 ms.
const twoHosts = combineClockEstimates({
  start: estimate(12_000, 700, 0),
  end: estimate(12_600, 400, 120_000_000),
  oneHost: false,
  samples: 20,
});

describe('describeClock', () => {
  it('reports one host as ~0 with the tighter estimate, and says nothing was applied', () => {
    expect(describeClock(oneHost)).toBe(
      'clock offset 0.00 ms ± 0.05 ms (one host: same clock, nothing applied; start 0.00 ms ± 0.05 ms, end −0.01 ms ± 0.06 ms)',
    );
  });

  it('reports the offset applied across hosts with its uncertainty, both estimates and the drift', () => {
    expect(describeClock(twoHosts)).toBe(
      'clock offset +12.30 ms ± 1.00 ms applied to commit times (PostgreSQL − producer host; start +12.00 ms ± 0.70 ms, end +12.60 ms ± 0.40 ms, drift 5.0 ppm)',
    );
  });

  it('says when the offset across hosts is unknown, and nothing for a record without a clock', () => {
    const unknown = combineClockEstimates({ start: null, end: null, oneHost: false, samples: 20 });
    expect(describeClock(unknown)).toMatch(/^clock offset unknown/);
    expect(describeClock(undefined)).toBeUndefined();
  });
});

describe('a clock uncertainty above 5% of an engine p50', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../results/fixtures/run-v1.json', import.meta.url), 'utf8'),
  ) as RunRecord;

  it('marks that engine’s latency figures and says so under the table; other engines are left alone', () => {
    // The baseline's p50 is 15.75 ms: ± 1.00 ms is 6% of it. Flink's 90 ms and Spark's 1.6 s are far above 20x.
    const run = { ...fixture, clock: twoHosts };
    const { head, rows, notes } = engineTable([run], HEADLINE_METRICS);
    const p50 = rows.find((row) => row[0] === 'end-to-end p50') as string[];
    expect(p50[head.indexOf('baseline')]).toMatch(new RegExp(` ${CLOCK_MARK}$`));
    expect(p50[head.indexOf('flink')]).not.toContain(CLOCK_MARK);
    expect(rows.find((row) => row[0] === 'throughput')?.[head.indexOf('baseline')]).not.toContain(CLOCK_MARK);
    expect(notes).toEqual([
      `${CLOCK_MARK} baseline: the clock offset's uncertainty (± 1.00 ms) is 6% of its end-to-end p50 (15.75 ms): its latencies are known only to within that (docs/measurement.md#clocks-across-hosts).`,
    ]);
    expect(renderRunHeading(run)).toContain('clock offset +12.30 ms ± 1.00 ms applied to commit times');
  });

  it('notes nothing on one host, nor for a file without a clock', () => {
    expect(clockEngineNotes([{ ...fixture, clock: oneHost }]).size).toBe(0);
    expect(clockEngineNotes([fixture]).size).toBe(0);
  });

  it('puts the clock in the compare CSV under the pseudo-engine clock', () => {
    const csv = formatFiguresCsv([{ ...fixture, clock: twoHosts }]);
    expect(csv).toContain(`${fixture.runId},${fixture.status},clock,clock_applied_offset_us,us,12300,,\n`);
    expect(csv).toContain(
      `${fixture.runId},${fixture.status},clock,clock_applied_uncertainty_us,us,1000,,\n`,
    );
    expect(formatFiguresCsv([fixture])).not.toContain(',clock,');
  });
});
