import type { Engine } from '../config/defaults.js';

/** Names of one engine's tables: each engine writes only its own (docs/architecture.md#tables). */
export function engineTables(engine: Engine) {
  return {
    raw: `crypto_prices_${engine}`,
    timed: `crypto_prices_${engine}_timed`,
    deadLetters: `dead_letters_${engine}`,
    gold10min: `gold_10min_metrics_${engine}`,
    goldHourly: `gold_hourly_metrics_${engine}`,
    redeliveries: `redeliveries_${engine}`,
  };
}

/** Everything that writes gold tables: the two streaming jobs in-stream, Airflow's DAG in batch SQL. */
export const GOLD_PRODUCERS = ['spark', 'flink', 'airflow'] as const;
/** One of {@link GOLD_PRODUCERS}. */
export type GoldProducer = (typeof GOLD_PRODUCERS)[number];

/** A producer's two gold tables (10-minute and hourly event-time windows). */
export function goldTables(producer: string) {
  return { tenMinutes: `gold_10min_metrics_${producer}`, hourly: `gold_hourly_metrics_${producer}` };
}

/**
 * The one DDL of every producer's gold tables (Spark, Flink, Airflow): a row per run, window and symbol, so two
 * runs whose event times overlap (two replays of one file) never overwrite each other's windows. `write_count`
 * counts the writes of a row (1 = written once). A table left by an older version (keyed by window and symbol
 * only, without a run id) is dropped first: its rows cannot be told apart by run.
 */
export function goldDdl(producer: string): string[] {
  const t = goldTables(producer);
  return [t.tenMinutes, t.hourly].flatMap((table) => [
    `DO $$ BEGIN
      IF to_regclass('${table}') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = '${table}' AND column_name = 'write_count') THEN
        DROP TABLE ${table};
      END IF;
    END $$`,
    `CREATE TABLE IF NOT EXISTS ${table} (
    run_id text NOT NULL, window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision, write_count integer NOT NULL DEFAULT 1,
    PRIMARY KEY (run_id, window_start, symbol))`,
  ]);
}

/**
 * The one DDL every engine's tables are created with. Times are epoch microseconds (`*_us`), the unit of the
 * event contract; `kafka_ts_us` has millisecond resolution because Kafka's record timestamp does. Writes use
 * `INSERT ... ON CONFLICT (run_id, seq) DO NOTHING`, so replays never duplicate rows.
 */
export function engineDdl(engine: Engine): string[] {
  const t = engineTables(engine);
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
    ...goldDdl(engine),
    ...redeliveryDdl(engine),
    ...deliveryStateDdl(engine),
  ];
}

/**
 * Tables exactly-once delivery commits with the rows: Spark's micro-batch markers (query id from its checkpoint,
 * batch id, Kafka partition and first offset of each Spark partition) and the baseline's consumed offsets. Flink keeps its own in checkpoints (XA transactions).
 */
export function deliveryStateDdl(engine: Engine): string[] {
  if (engine === 'spark') {
    return [
      `CREATE TABLE IF NOT EXISTS spark_batch_commits (
      query_id text NOT NULL, batch_id bigint NOT NULL, kafka_partition int NOT NULL, first_offset bigint NOT NULL,
      PRIMARY KEY (query_id, batch_id, kafka_partition, first_offset))`,
    ];
  }
  if (engine === 'baseline') {
    return [
      `CREATE TABLE IF NOT EXISTS baseline_offsets (
      consumer_group text NOT NULL, topic text NOT NULL, kafka_partition int NOT NULL, next_offset bigint NOT NULL,
      PRIMARY KEY (consumer_group, topic, kafka_partition))`,
    ];
  }
  return [];
}

/**
 * Counts duplicate deliveries exactly, in the database, for every writer alike (Flink's JDBC sinks, Spark's
 * micro-batch and real-time writers, the baseline): a BEFORE INSERT row trigger on the raw table looks the row's
 * key up first; a row already there is a redelivery, logged as one row in `redeliveries_<engine>` and skipped
 * (RETURN NULL), so the raw row is never touched and its xmin, hence its commit time, stays the first commit's.
 * The ledger row is written in the writer's own transaction: a rolled-back attempt counts nothing, and its xmin
 * says when the redelivery was committed. Rows repeated within one statement count too (a row trigger sees the
 * rows earlier rows of the same statement inserted). Only a redelivery racing an uncommitted first delivery is
 * not seen here (ON CONFLICT then skips it); replays after a failure start after the failed writer is gone.
 */
export function redeliveryDdl(engine: Engine): string[] {
  const t = engineTables(engine);
  const fn = `count_redelivery_${engine}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${t.redeliveries} (run_id text NOT NULL, seq bigint NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${t.redeliveries}_run ON ${t.redeliveries} (run_id)`,
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM ${t.raw} WHERE run_id = NEW.run_id AND seq = NEW.seq) THEN
        INSERT INTO ${t.redeliveries} (run_id, seq) VALUES (NEW.run_id, NEW.seq);
        RETURN NULL;
      END IF;
      RETURN NEW;
    END $$`,
    `CREATE OR REPLACE TRIGGER count_redeliveries BEFORE INSERT ON ${t.raw}
      FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}
