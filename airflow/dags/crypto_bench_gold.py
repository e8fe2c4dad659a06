"""crypto_bench_gold: the original pipeline's gold tables, built a third way, in batch SQL on a schedule.

Every 10 minutes (catching up every missed interval since Airflow was first started for the stack), the
`gold_10min` task computes the 10-minute windows that closed in the run's data interval and the `gold_hourly`
task the hourly windows that closed in it (one run in six), from a raw table into
`gold_10min_metrics_airflow` / `gold_hourly_metrics_airflow`. Rows are grouped by benchmark run id, as the
engines' gold rows are, and written with an upsert on (run_id, window_start, symbol): running an interval
again rewrites its windows with the same values.

The definitions are those of the Spark and Flink jobs (jobs/common GoldAccumulator): open and close are the
prices of the first and last trade by event time (ties by seq), avg_price the mean, vwap Σ(price·size)/Σsize
(null for a zero volume), price_stddev the population standard deviation (0 for one trade).

Settings, per run (`conf`) or for every run (Airflow Variables):
- source_engine (Variable crypto_bench_gold_source): whose raw table to read, spark | flink | baseline;
  default baseline, the floor, which commits every event within milliseconds.
- run_id: only this benchmark run's events. With no data interval (a manual run without one), every window the
  run's events fall in: a finished run's windows are complete.
A scheduled run first waits CRYPTO_BENCH_GOLD_SETTLE_S seconds (default 10, the engines' watermark delay)
after its interval ends, so events committed just after a window's end are in.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk.exceptions import AirflowFailException
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.providers.standard.sensors.time_delta import TimeDeltaSensor
from airflow.sdk import DAG, Param, Variable, get_current_context, task

ENGINES = ("spark", "flink", "baseline")
WINDOWS_US = {"10min": 600_000_000, "hourly": 3_600_000_000}
CONNECTION = "crypto_bench_postgres"
SETTLE = timedelta(seconds=int(os.environ.get("CRYPTO_BENCH_GOLD_SETTLE_S", "10")))
MAX_US = 2**63 - 1


def first_start() -> datetime:
    """When Airflow was first started for this stack, floored to the hour: catch-up starts there."""
    raw = os.environ.get("CRYPTO_BENCH_AIRFLOW_START")
    started = datetime.fromisoformat(raw) if raw else datetime.now(timezone.utc) - timedelta(hours=1)
    return started.replace(minute=0, second=0, microsecond=0)


def micros(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def closed_windows(interval_start_us: int, interval_end_us: int, window_us: int) -> tuple[int, int]:
    """[lo, hi) of the event times of every window whose end lies in (interval_start, interval_end]."""
    lo = (interval_start_us // window_us) * window_us
    hi = (interval_end_us // window_us) * window_us
    return lo, max(lo, hi)


def upsert_sql(window: str, engine: str) -> str:
    """Computes one gold table's windows of [lo, hi) from one raw table and upserts them."""
    return f"""
    INSERT INTO gold_{window}_metrics_airflow AS g (run_id, window_start, window_end, symbol, open, high, low,
      close, avg_price, vwap, volume, trade_count, price_stddev)
    SELECT run_id, to_timestamp((ws_us / 1000000)::double precision),
      to_timestamp(((ws_us + %(w)s) / 1000000)::double precision), symbol,
      (array_agg(price ORDER BY event_time_us, seq))[1], max(price), min(price),
      (array_agg(price ORDER BY event_time_us DESC, seq DESC))[1],
      avg(price), sum(price * size) / NULLIF(sum(size), 0), sum(size), count(*),
      stddev_pop(price)::double precision
    FROM (SELECT run_id, symbol, seq, price, size, event_time_us, (event_time_us / %(w)s) * %(w)s AS ws_us
          FROM crypto_prices_{engine}
          WHERE event_time_us >= %(lo)s AND event_time_us < %(hi)s
            AND (%(run_id)s::text IS NULL OR run_id = %(run_id)s::text)) e
    GROUP BY run_id, ws_us, symbol
    ON CONFLICT (run_id, window_start, symbol) DO UPDATE SET window_end = EXCLUDED.window_end,
      open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
      avg_price = EXCLUDED.avg_price, vwap = EXCLUDED.vwap, volume = EXCLUDED.volume,
      trade_count = EXCLUDED.trade_count, price_stddev = EXCLUDED.price_stddev
    """


def build(window: str) -> dict:
    """Builds one gold table for this DAG run; returns what it did (also logged)."""
    context = get_current_context()
    params = context["params"]
    engine = params.get("source_engine") or Variable.get("crypto_bench_gold_source", default="baseline")
    if engine not in ENGINES:
        raise AirflowFailException(f"source_engine {engine!r} is not one of {', '.join(ENGINES)}")
    run_id = params.get("run_id") or None
    window_us = WINDOWS_US[window]
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is not None and end is not None:
        lo, hi = closed_windows(micros(start), micros(end), window_us)
    elif run_id is not None:
        lo, hi = 0, MAX_US
    else:
        raise AirflowFailException("a manual run without a data interval needs conf.run_id")
    if hi <= lo:
        print(f"No {window} window closed in {start} .. {end}")
        return {"window": window, "rows": 0}
    hook = PostgresHook(postgres_conn_id=CONNECTION)
    with hook.get_conn() as connection, connection.cursor() as cursor:
        cursor.execute(upsert_sql(window, engine), {"w": window_us, "lo": lo, "hi": hi, "run_id": run_id})
        rows = cursor.rowcount
        connection.commit()
    print(f"gold_{window}_metrics_airflow: {rows} rows from crypto_prices_{engine} (run {run_id or 'all'})")
    return {"window": window, "rows": rows, "source_engine": engine, "lo_us": lo, "hi_us": hi}


with DAG(
    dag_id="crypto_bench_gold",
    description="10-minute and hourly gold metrics from a crypto-bench raw table, in batch SQL",
    schedule="*/10 * * * *",
    start_date=first_start(),
    catchup=True,
    max_active_runs=2,
    is_paused_upon_creation=True,
    default_args={"retries": 1, "retry_delay": timedelta(seconds=30)},
    params={
        "source_engine": Param("", type="string", description="spark | flink | baseline (default: Variable)"),
        "run_id": Param("", type="string", description="Only this benchmark run (empty: every run)"),
    },
    tags=["crypto-bench"],
) as dag:
    settle = TimeDeltaSensor(task_id="settle", delta=SETTLE, poke_interval=2, mode="poke")

    @task(task_id="gold_10min")
    def gold_10min() -> dict:
        return build("10min")

    @task(task_id="gold_hourly")
    def gold_hourly() -> dict:
        return build("hourly")

    settle >> [gold_10min(), gold_hourly()]
