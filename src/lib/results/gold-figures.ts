import type { MetricDefinition } from './figures.js';
import type { GoldProducerRecord, GoldTableName, GoldTableRecord, RunRecord } from './record.js';

/** Metric-name part of each gold table. */
const TABLE_PREFIX: Record<GoldTableName, string> = { tenMinutes: 'gold_10min', hourly: 'gold_hourly' };

function tableMetrics(table: GoldTableName): MetricDefinition<GoldProducerRecord>[] {
  const prefix = TABLE_PREFIX[table];
  const label = table === 'tenMinutes' ? 'gold 10-min' : 'gold hourly';
  const read = (pick: (t: GoldTableRecord) => number | null) => (p: GoldProducerRecord) => pick(p.tables[table]);
  return [
    { name: `${prefix}_closed_windows`, unit: 'windows', label: `${label} closed windows`, read: read((t) => t.closedWindows) },
    { name: `${prefix}_right_windows`, unit: 'windows', label: `${label} right`, read: read((t) => t.rightWindows) },
    { name: `${prefix}_wrong_windows`, unit: 'windows', label: `${label} wrong`, read: read((t) => t.wrongWindows) },
    { name: `${prefix}_missing_windows`, unit: 'windows', label: `${label} missing`, read: read((t) => t.missingWindows) },
    { name: `${prefix}_extra_windows`, unit: 'windows', label: `${label} extra`, read: read((t) => t.extraWindows) },
    {
      name: `${prefix}_rewritten_windows`,
      unit: 'windows',
      label: `${label} rewritten after first write`,
      read: read((t) => t.rewrittenWindows),
    },
    { name: `${prefix}_late_events`, unit: 'events', label: `${label} late events`, read: read((t) => t.lateEvents) },
    {
      name: `${prefix}_late_included_events`,
      unit: 'events',
      label: `${label} late included`,
      read: read((t) => t.lateIncludedEvents),
    },
    {
      name: `${prefix}_late_dropped_events`,
      unit: 'events',
      label: `${label} late dropped`,
      read: read((t) => t.lateDroppedEvents),
    },
    {
      name: `${prefix}_late_included_ratio`,
      unit: 'ratio',
      label: `${label} late included share`,
      read: read((t) => (t.lateEvents > 0 ? t.lateIncludedEvents / t.lateEvents : null)),
    },
    {
      name: `${prefix}_final_before_close_windows`,
      unit: 'windows',
      label: `${label} final before close (freshness 0)`,
      read: read((t) => t.finalBeforeCloseWindows ?? null),
    },
    { name: `${prefix}_freshness_p50_us`, unit: 'us', label: `${label} freshness p50`, read: read((t) => t.freshness.p50Us) },
    { name: `${prefix}_freshness_p95_us`, unit: 'us', label: `${label} freshness p95`, read: read((t) => t.freshness.p95Us) },
    { name: `${prefix}_freshness_max_us`, unit: 'us', label: `${label} freshness max`, read: read((t) => t.freshness.maxUs) },
  ];
}

/**
 * Every gold figure of one producer (spark, flink, airflow), per table: windows right, wrong, missing, extra,
 * rewritten; late events included and dropped; freshness (max(0, commit of the final version − the moment the
 * window could close)) and the windows whose final version came before the close.
 */
export const GOLD_METRICS: readonly MetricDefinition<GoldProducerRecord>[] = [
  ...tableMetrics('tenMinutes'),
  ...tableMetrics('hourly'),
];

/** The gold producers of a run with their results, in a fixed order. */
export function goldProducers(run: Pick<RunRecord, 'gold'>): [string, GoldProducerRecord][] {
  const producers = run.gold?.producers ?? {};
  return (['spark', 'flink', 'airflow'] as const)
    .map((name): [string, GoldProducerRecord | undefined] => [name, producers[name]])
    .filter((entry): entry is [string, GoldProducerRecord] => entry[1] !== undefined);
}
