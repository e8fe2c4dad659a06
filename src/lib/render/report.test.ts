import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../results/record.js';
import type { SweepRecord } from '../results/sweep-record.js';
import { renderRunsReport, renderSweepReport } from './report.js';

const run = JSON.parse(
  readFileSync(new URL('../results/fixtures/run-v1.json', import.meta.url), 'utf8'),
) as RunRecord;

describe('the HTML report', () => {
  it('is one self-contained page: no script and nothing fetched', () => {
    const html = renderRunsReport([run]);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("shows a run's status, its figures table, the CDF and four charts over time", () => {
    const html = renderRunsReport([run]);
    expect(html).toContain(`Run ${run.runId}`);
    expect(html).toContain('COMPLETE');
    expect(html).toContain('<th>spark / flink</th>');
    expect(html).toContain('End-to-end latency, cumulative distribution');
    expect(html.match(/<svg /g)?.length).toBe(5);
  });

  it('says where the steady state began and why, and draws the backlog when the run has it', () => {
    const detected: RunRecord = {
      ...run,
      steadyState: {
        chosenBy: 'mser-5',
        steadyStateStartUs: run.window?.startUs ?? 0,
        steadyStateStartOffsetMs: 20_000,
        setBy: 'spark',
        found: true,
        engines: {
          spark: {
            found: true,
            detectedStartOffsetMs: 20_000,
            seriesSeconds: 60,
            mserStatisticUs2: 1,
            reason: 'x',
          },
        },
      },
      timeseries: run.timeseries.map((s) => ({
        ...s,
        engines: Object.fromEntries(
          Object.entries(s.engines).map(([e, v]) => [e, { ...v, backlogEvents: 7 }]),
        ),
      })),
    };
    const html = renderRunsReport([detected]);
    expect(html).toContain('steady state from 20 s: MSER-5 per engine (spark 20 s), the latest for all');
    expect(html).toContain('detected by MSER-5');
    expect(html).toContain('Backlog: events produced but not yet committed');
    expect(html.match(/<svg /g)?.length).toBe(6);
  });

  it('marks an invalid run and gives its reasons', () => {
    const invalid: RunRecord = { ...run, status: 'invalid', statusReasons: ['the producer fell behind'] };
    const html = renderRunsReport([invalid]);
    expect(html).toContain('class="status bad"');
    expect(html).toContain('the producer fell behind');
  });

  it('puts several runs in one CDF chart first, then each run', () => {
    const second: RunRecord = { ...run, runId: '20250103-000000-cdef' };
    const html = renderRunsReport([run, second]);
    expect(html).toContain('All runs');
    expect(html).toContain(`spark (${second.runId})`);
    expect(html).toContain(`Run ${second.runId}`);
  });

  it('draws a sweep across its points, with its table and every run', () => {
    const sweep: SweepRecord = {
      schemaVersion: 1,
      sweepId: '20250102-030000-swp1',
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      config: { engines: run.config.engines, durationMs: 60_000, repeat: 1, isolate: false, sloP99Us: null },
      points: [
        {
          index: 0,
          rateEventsPerSec: 1000,
          settings: run.config.jobs as NonNullable<RunRecord['config']['jobs']>,
          labels: { spark: 'trigger 0', flink: 'buffer 100ms', baseline: 'batch 1000' },
          runIds: [run.runId],
          status: 'complete',
          reasons: [],
        },
      ],
      maxRate: null,
      interrupted: false,
    };
    const html = renderSweepReport(sweep, { [run.runId]: run });
    expect(html).toContain('End-to-end latency p99 per point');
    expect(html).toContain('<td>trigger 0</td>');
    expect(html).toContain(`Run ${run.runId}`);
  });

  it('draws latency on a log axis, marks each fault, and shows the recovery table', () => {
    const start = run.timeseries[0]?.startUs ?? 0;
    const withFault: RunRecord = {
      ...run,
      faults: [
        {
          text: 'flink:kill@1s',
          target: 'flink',
          action: 'kill',
          plannedAtMs: 1000,
          plannedAtUs: start + 1_000_000,
          injectedAtUs: start + 1_000_500,
          pauseMs: null,
          resumedAtUs: null,
          pid: 1234,
          outcome: 'injected',
          detail: 'SIGKILL to process group 1234',
          recovery: {
            flink: {
              downtimeUs: 4_200_000,
              recoveryUs: 9_000_000,
              preFaultP99Us: 50_000,
              p99BoundUs: 100_000,
              peakP99Us: 5_000_000,
              peakBacklogEvents: 900,
              incidentEndUs: start + 10_000_000,
              notes: [],
              delayedEvents: 800,
            },
          },
        },
      ],
      restarts: [
        { service: 'flink', atUs: start + 1_600_000, exitReason: 'killed by SIGKILL', attempt: 1, pid: 99 },
      ],
    };
    const html = renderRunsReport([withFault]);
    expect(html).toContain('End-to-end latency p99 per second');
    expect(html).toContain('ms (log scale)');
    expect(html).toContain('>flink:kill@1s</text>');
    expect(html).toContain('>flink restarted</text>');
    expect(html).toContain('<h3>Recovery per fault</h3>');
    expect(html).toContain('<td>4200.0 ms</td>');
    expect(html).toContain('fault flink:kill@1s: injected at');
  });
});
