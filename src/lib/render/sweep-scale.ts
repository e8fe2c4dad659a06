import type { Engine } from '../config/defaults.js';
import type { RunRecord } from '../results/record.js';
import type { SweepRecord } from '../results/sweep-record.js';
import { coversScales, sweepRows } from './sweep.js';

/** One line of a scaling chart: an engine (and what else stays fixed along it) against parallelism or partitions. */
export interface ScaleLine {
  /** Legend text, e.g. "flink" or "flink, 6 partitions". */
  name: string;
  /** The engine, for its colour. */
  engine: Engine;
  /** [x, y] in order of x; y null when not measured. */
  points: [number, number | null][];
}

/** The curves of a sweep over scales: throughput and p99 against parallelism (or partitions). */
export interface ScaleCurves {
  /** What x is: the engine's parallelism, or the topic's partitions when the parallelism was not swept. */
  x: 'parallelism' | 'partitions';
  /** `--find-max-rate`: sustainable throughput (and the p99 at it); else committed throughput at each point. */
  throughputKind: 'sustainable' | 'committed';
  /** Throughput, events/s. */
  throughput: ScaleLine[];
  /** End-to-end p99, µs (under `--find-max-rate`, of the run that found the sustainable rate). */
  p99Us: ScaleLine[];
}

interface Sample {
  engine: Engine;
  partitions: number | null;
  parallelism: number;
  /** What else identifies the line (rate, setting), empty when nothing else varies. */
  rest: string;
  throughput: number | null;
  p99Us: number | null;
}

/**
 * The scaling curves of a sweep that covered several scales; undefined for one that did not. Each engine gets a
 * line per fixed value of everything but x: with parallelism on x, one line per partition count (and per rate or
 * setting, when those were swept too).
 */
export function scaleCurves(sweep: SweepRecord, runs: Record<string, RunRecord>): ScaleCurves | undefined {
  if (!coversScales(sweep)) return undefined;
  const searched = sweep.scaleSearches !== undefined;
  const samples = searched ? searchSamples(sweep) : pointSamples(sweep, runs);
  const varies = (of: (s: Sample) => unknown) => new Set(samples.map(of)).size > 1;
  const x =
    varies((s) => `${s.engine}|${s.parallelism}`) && varies((s) => s.parallelism)
      ? 'parallelism'
      : 'partitions';
  const partitionsInName = x === 'parallelism' && varies((s) => s.partitions);
  const lineName = (s: Sample) =>
    [s.engine, partitionsInName ? `${s.partitions} partitions` : '', s.rest].filter(Boolean).join(', ');
  const lines = (y: (s: Sample) => number | null): ScaleLine[] => {
    const byName = new Map<string, ScaleLine>();
    for (const sample of samples) {
      const name = lineName(sample);
      const line = byName.get(name) ?? { name, engine: sample.engine, points: [] };
      line.points.push([x === 'parallelism' ? sample.parallelism : (sample.partitions ?? 0), y(sample)]);
      byName.set(name, line);
    }
    for (const line of byName.values()) line.points.sort((a, b) => a[0] - b[0]);
    return [...byName.values()];
  };
  return {
    x,
    throughputKind: searched ? 'sustainable' : 'committed',
    throughput: lines((s) => s.throughput),
    p99Us: lines((s) => s.p99Us),
  };
}

/** One sample per engine and point: committed throughput and p99 (median over the point's runs). */
function pointSamples(sweep: SweepRecord, runs: Record<string, RunRecord>): Sample[] {
  const rows = sweepRows(sweep, runs);
  const rates = new Set(rows.map((row) => row.rateEventsPerSec)).size > 1;
  const settings = (engine: Engine) =>
    new Set(rows.filter((r) => r.engine === engine).map((r) => r.setting)).size > 1;
  return rows.map((row) => ({
    engine: row.engine,
    partitions: row.partitions,
    parallelism: row.parallelism,
    rest: [rates ? `${row.rateEventsPerSec}/s` : '', settings(row.engine) ? row.setting : '']
      .filter(Boolean)
      .join(', '),
    throughput: row.figures.throughput_events_per_sec ?? null,
    p99Us: row.figures.latency_e2e_p99_us ?? null,
  }));
}

/** One sample per engine and search: the sustainable rate, and the p99 of the run that found it. */
function searchSamples(sweep: SweepRecord): Sample[] {
  return (sweep.scaleSearches ?? []).flatMap((search) =>
    (Object.entries(search.maxRate) as [Engine, NonNullable<(typeof search.maxRate)[Engine]>][]).map(
      ([engine, result]) => {
        const rate = result.sustainableRateEventsPerSec;
        const step = result.steps.find((s) => s.rateEventsPerSec === rate && s.sustainable === true);
        return {
          engine,
          partitions: search.partitions,
          parallelism: search.parallelism[engine] ?? 1,
          rest: '',
          throughput: rate,
          p99Us: step?.verdicts?.[0]?.p99Us ?? null,
        };
      },
    ),
  );
}
