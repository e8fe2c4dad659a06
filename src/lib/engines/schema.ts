import type { Engine } from '../config/defaults.js';

/** Names of one engine's tables: each engine writes only its own (docs/architecture.md#tables). */
export function engineTables(engine: Engine) {
  return {
    raw: `crypto_prices_${engine}`,
    timed: `crypto_prices_${engine}_timed`,
    deadLetters: `dead_letters_${engine}`,
    gold10min: `gold_10min_metrics_${engine}`,
    goldHourly: `gold_hourly_metrics_${engine}`,
  };
}

/**
 * The one DDL every engine's tables are created with. Times are epoch microseconds (`*_us`), the unit of the
 * event contract; `kafka_ts_us` has millisecond resolution because Kafka's record timestamp does. Writes use
 * `INSERT ... ON CONFLICT (run_id, seq) DO NOTHING`, so replays never duplicate rows.
 */
export function engineDdl(engine: Engine): string[] {
  const t = engineTables(engine);
  const gold = (table: string) => `CREATE TABLE IF NOT EXISTS ${table} (
    window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision,
    PRIMARY KEY (window_start, symbol))`;
  return [
    `CREATE TABLE IF NOT EXISTS ${t.raw} (
      run_id text NOT NULL, seq bigint NOT NULL, symbol text NOT NULL,
      price numeric NOT NULL, size numeric NOT NULL,
      event_time_us bigint NOT NULL, intended_at_us bigint NOT NULL, produced_at_us bigint NOT NULL,
      kafka_ts_us bigint NOT NULL, engine_ts_us bigint NOT NULL,
      kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
      PRIMARY KEY (run_id, seq))`,
    // Commit time comes from PostgreSQL itself (track_commit_timestamp = on): the moment a reader can first
    // see the row, on the same clock for every engine.
    `CREATE OR REPLACE VIEW ${t.timed} AS
      SELECT r.*, (extract(epoch FROM pg_xact_commit_timestamp(r.xmin)) * 1000000)::bigint AS commit_us
      FROM ${t.raw} r`,
    `CREATE TABLE IF NOT EXISTS ${t.deadLetters} (
      id bigserial PRIMARY KEY, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
      kafka_ts_us bigint NOT NULL, engine_ts_us bigint NOT NULL, payload bytea NOT NULL, reason text NOT NULL)`,
    gold(t.gold10min),
    gold(t.goldHourly),
  ];
}
