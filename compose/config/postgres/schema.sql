-- Every engine's tables, as `crypto-bench up` creates them (src/lib/engines/schema.ts; a unit test keeps
-- this file equal to it). postgres-start runs it once, when it creates the database.

CREATE TABLE IF NOT EXISTS crypto_prices_spark (
      run_id text NOT NULL, seq bigint NOT NULL, symbol text NOT NULL,
      price numeric NOT NULL, size numeric NOT NULL,
      event_time_us bigint NOT NULL, intended_at_us bigint NOT NULL, produced_at_us bigint NOT NULL,
      kafka_ts_us bigint NOT NULL, engine_ts_us bigint NOT NULL,
      kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
      PRIMARY KEY (run_id, seq));

CREATE OR REPLACE VIEW crypto_prices_spark_timed AS
      SELECT r.*, (extract(epoch FROM pg_xact_commit_timestamp(r.xmin)) * 1000000)::bigint AS commit_us
      FROM crypto_prices_spark r;

CREATE TABLE IF NOT EXISTS dead_letters_spark (
      id bigserial PRIMARY KEY, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
      kafka_ts_us bigint NOT NULL, engine_ts_us bigint NOT NULL, payload bytea NOT NULL, reason text NOT NULL);

DO $$ BEGIN
      IF to_regclass('gold_10min_metrics_spark') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'gold_10min_metrics_spark' AND column_name = 'write_count') THEN
        DROP TABLE gold_10min_metrics_spark;
      END IF;
    END $$;

CREATE TABLE IF NOT EXISTS gold_10min_metrics_spark (
    run_id text NOT NULL, window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision, write_count integer NOT NULL DEFAULT 1,
    PRIMARY KEY (run_id, window_start, symbol));

DO $$ BEGIN
      IF to_regclass('gold_hourly_metrics_spark') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'gold_hourly_metrics_spark' AND column_name = 'write_count') THEN
        DROP TABLE gold_hourly_metrics_spark;
      END IF;
    END $$;

CREATE TABLE IF NOT EXISTS gold_hourly_metrics_spark (
    run_id text NOT NULL, window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision, write_count integer NOT NULL DEFAULT 1,
    PRIMARY KEY (run_id, window_start, symbol));

CREATE TABLE IF NOT EXISTS redeliveries_spark (run_id text NOT NULL, seq bigint NOT NULL);

CREATE INDEX IF NOT EXISTS redeliveries_spark_run ON redeliveries_spark (run_id);

CREATE OR REPLACE FUNCTION count_redelivery_spark() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM crypto_prices_spark WHERE run_id = NEW.run_id AND seq = NEW.seq) THEN
        INSERT INTO redeliveries_spark (run_id, seq) VALUES (NEW.run_id, NEW.seq);
        RETURN NULL;
      END IF;
      RETURN NEW;
    END $$;

CREATE OR REPLACE TRIGGER count_redeliveries BEFORE INSERT ON crypto_prices_spark
      FOR EACH ROW EXECUTE FUNCTION count_redelivery_spark();

CREATE TABLE IF NOT EXISTS spark_batch_commits (
      query_id text NOT NULL, batch_id bigint NOT NULL, kafka_partition int NOT NULL, first_offset bigint NOT NULL,
      PRIMARY KEY (query_id, batch_id, kafka_partition, first_offset));

CREATE TABLE IF NOT EXISTS crypto_prices_flink (
      run_id text NOT NULL, seq bigint NOT NULL, symbol text NOT NULL,
      price numeric NOT NULL, size numeric NOT NULL,
      event_time_us bigint NOT NULL, intended_at_us bigint NOT NULL, produced_at_us bigint NOT NULL,
      kafka_ts_us bigint NOT NULL, engine_ts_us bigint NOT NULL,
      kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
      PRIMARY KEY (run_id, seq));

CREATE OR REPLACE VIEW crypto_prices_flink_timed AS
      SELECT r.*, (extract(epoch FROM pg_xact_commit_timestamp(r.xmin)) * 1000000)::bigint AS commit_us
      FROM crypto_prices_flink r;

CREATE TABLE IF NOT EXISTS dead_letters_flink (
      id bigserial PRIMARY KEY, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
      kafka_ts_us bigint NOT NULL, engine_ts_us bigint NOT NULL, payload bytea NOT NULL, reason text NOT NULL);

DO $$ BEGIN
      IF to_regclass('gold_10min_metrics_flink') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'gold_10min_metrics_flink' AND column_name = 'write_count') THEN
        DROP TABLE gold_10min_metrics_flink;
      END IF;
    END $$;

CREATE TABLE IF NOT EXISTS gold_10min_metrics_flink (
    run_id text NOT NULL, window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision, write_count integer NOT NULL DEFAULT 1,
    PRIMARY KEY (run_id, window_start, symbol));

DO $$ BEGIN
      IF to_regclass('gold_hourly_metrics_flink') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'gold_hourly_metrics_flink' AND column_name = 'write_count') THEN
        DROP TABLE gold_hourly_metrics_flink;
      END IF;
    END $$;

CREATE TABLE IF NOT EXISTS gold_hourly_metrics_flink (
    run_id text NOT NULL, window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision, write_count integer NOT NULL DEFAULT 1,
    PRIMARY KEY (run_id, window_start, symbol));

CREATE TABLE IF NOT EXISTS redeliveries_flink (run_id text NOT NULL, seq bigint NOT NULL);

CREATE INDEX IF NOT EXISTS redeliveries_flink_run ON redeliveries_flink (run_id);

CREATE OR REPLACE FUNCTION count_redelivery_flink() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM crypto_prices_flink WHERE run_id = NEW.run_id AND seq = NEW.seq) THEN
        INSERT INTO redeliveries_flink (run_id, seq) VALUES (NEW.run_id, NEW.seq);
        RETURN NULL;
      END IF;
      RETURN NEW;
    END $$;

CREATE OR REPLACE TRIGGER count_redeliveries BEFORE INSERT ON crypto_prices_flink
      FOR EACH ROW EXECUTE FUNCTION count_redelivery_flink();

CREATE TABLE IF NOT EXISTS crypto_prices_baseline (
      run_id text NOT NULL, seq bigint NOT NULL, symbol text NOT NULL,
      price numeric NOT NULL, size numeric NOT NULL,
      event_time_us bigint NOT NULL, intended_at_us bigint NOT NULL, produced_at_us bigint NOT NULL,
      kafka_ts_us bigint NOT NULL, engine_ts_us bigint NOT NULL,
      kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
      PRIMARY KEY (run_id, seq));

CREATE OR REPLACE VIEW crypto_prices_baseline_timed AS
      SELECT r.*, (extract(epoch FROM pg_xact_commit_timestamp(r.xmin)) * 1000000)::bigint AS commit_us
      FROM crypto_prices_baseline r;

CREATE TABLE IF NOT EXISTS dead_letters_baseline (
      id bigserial PRIMARY KEY, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,
      kafka_ts_us bigint NOT NULL, engine_ts_us bigint NOT NULL, payload bytea NOT NULL, reason text NOT NULL);

DO $$ BEGIN
      IF to_regclass('gold_10min_metrics_baseline') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'gold_10min_metrics_baseline' AND column_name = 'write_count') THEN
        DROP TABLE gold_10min_metrics_baseline;
      END IF;
    END $$;

CREATE TABLE IF NOT EXISTS gold_10min_metrics_baseline (
    run_id text NOT NULL, window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision, write_count integer NOT NULL DEFAULT 1,
    PRIMARY KEY (run_id, window_start, symbol));

DO $$ BEGIN
      IF to_regclass('gold_hourly_metrics_baseline') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'gold_hourly_metrics_baseline' AND column_name = 'write_count') THEN
        DROP TABLE gold_hourly_metrics_baseline;
      END IF;
    END $$;

CREATE TABLE IF NOT EXISTS gold_hourly_metrics_baseline (
    run_id text NOT NULL, window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision, write_count integer NOT NULL DEFAULT 1,
    PRIMARY KEY (run_id, window_start, symbol));

CREATE TABLE IF NOT EXISTS redeliveries_baseline (run_id text NOT NULL, seq bigint NOT NULL);

CREATE INDEX IF NOT EXISTS redeliveries_baseline_run ON redeliveries_baseline (run_id);

CREATE OR REPLACE FUNCTION count_redelivery_baseline() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM crypto_prices_baseline WHERE run_id = NEW.run_id AND seq = NEW.seq) THEN
        INSERT INTO redeliveries_baseline (run_id, seq) VALUES (NEW.run_id, NEW.seq);
        RETURN NULL;
      END IF;
      RETURN NEW;
    END $$;

CREATE OR REPLACE TRIGGER count_redeliveries BEFORE INSERT ON crypto_prices_baseline
      FOR EACH ROW EXECUTE FUNCTION count_redelivery_baseline();

CREATE TABLE IF NOT EXISTS baseline_offsets (
      consumer_group text NOT NULL, topic text NOT NULL, kafka_partition int NOT NULL, next_offset bigint NOT NULL,
      PRIMARY KEY (consumer_group, topic, kafka_partition));
