/**
 * The gold tables Airflow's `crypto_bench_gold` DAG writes: the columns of the engines' gold tables plus the
 * benchmark run id, keyed by (run_id, window_start, symbol) as the team's gold contract says.
 *
 * Provisional: the gold engineer's shared DDL function (one for every producer: spark, flink, airflow) replaces
 * this once it is on main.
 */
export function airflowGoldDdl(): string[] {
  return ['10min', 'hourly'].map(
    (window) => `CREATE TABLE IF NOT EXISTS gold_${window}_metrics_airflow (
    run_id text NOT NULL, window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, symbol text NOT NULL,
    open numeric NOT NULL, high numeric NOT NULL, low numeric NOT NULL, close numeric NOT NULL,
    avg_price numeric NOT NULL, vwap numeric, volume numeric NOT NULL, trade_count bigint NOT NULL,
    price_stddev double precision,
    PRIMARY KEY (run_id, window_start, symbol))`,
  );
}
