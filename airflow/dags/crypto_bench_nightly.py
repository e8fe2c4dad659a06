"""crypto_bench_nightly: a scheduled benchmark that fails, so Airflow alerts, when a figure regresses.

Every night at 02:00 (UTC) `bench` runs crypto-bench with a stored configuration against the stack Airflow was
started for, and `check` compares the new run with the previous scheduled one (`crypto-bench compare --json`
of both) and fails when the chosen figure regressed by more than the threshold.

The configuration is the JSON Airflow Variable `crypto_bench_nightly` (keys below; missing keys take the
defaults), and a run's `conf` overrides keys for that run:
- flags: the `crypto-bench run` flags, e.g. ["--duration", "2m", "--rate", "1000"]
- engine: the engine whose figure is watched (default flink)
- figure: a path into that engine's result in run.json (default latency.p99Us, the end-to-end p99)
- max_regression_pct: the largest change allowed, in percent of the previous value (default 20); a negative
  value demands an improvement
- higher_is_better: false for latencies (default), true for throughput
`check` reads the configuration when it runs, so clearing it after a change of the Variable checks again.
The previous run's id is kept in the Variable `crypto_bench_nightly_previous`; the first run has nothing to
compare with and passes.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timezone

from airflow.sdk.exceptions import AirflowFailException
from airflow.sdk import DAG, Variable, get_current_context, task

CONFIG_VARIABLE = "crypto_bench_nightly"
PREVIOUS_VARIABLE = "crypto_bench_nightly_previous"
DEFAULTS = {
    "flags": ["--duration", "2m", "--rate", "1000"],
    "engine": "flink",
    "figure": "latency.p99Us",
    "max_regression_pct": 20,
    "higher_is_better": False,
}


def config() -> dict:
    """Defaults, overridden by the Variable, overridden by this run's conf."""
    stored = Variable.get(CONFIG_VARIABLE, default="{}")
    merged = {**DEFAULTS, **json.loads(stored)}
    conf = get_current_context()["dag_run"].conf or {}
    return {**merged, **conf}


def cli(*args: str) -> str:
    """Runs crypto-bench (the CLI that started Airflow, on its stack) and returns its stdout."""
    command = [*json.loads(os.environ["CRYPTO_BENCH_CLI"]), *args]
    command += ["--state-dir", os.environ["CRYPTO_BENCH_STATE_DIR"]] if args[0] == "run" else []
    command += ["--results-dir", os.environ["CRYPTO_BENCH_RESULTS_DIR"]]
    print("$ " + " ".join(command))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stderr.strip().splitlines()[-40:]:
        print(line)
    if done.returncode != 0:
        raise AirflowFailException(
            f"crypto-bench {args[0]} exited with code {done.returncode}: {done.stderr.strip()[-2000:]}"
        )
    return done.stdout


def figure(run: dict, engine: str, path: str) -> float:
    value = run["engines"].get(engine)
    if value is None:
        raise AirflowFailException(f"run {run['runId']} has no engine {engine}")
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, (int, float)):
        raise AirflowFailException(f"run {run['runId']}: {engine} {path} is not a number ({value!r})")
    return float(value)


with DAG(
    dag_id="crypto_bench_nightly",
    description="Nightly crypto-bench run; fails when a chosen figure regresses beyond a threshold",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=True,
    tags=["crypto-bench"],
) as dag:

    @task(task_id="bench")
    def bench() -> dict:
        settings = config()
        previous = Variable.get(PREVIOUS_VARIABLE, default=None)
        outcome = json.loads(cli("run", "--json", *settings["flags"]))
        run_id = outcome["runs"][-1]["runId"]
        Variable.set(PREVIOUS_VARIABLE, run_id)
        print(f"benchmark run {run_id}; previous scheduled run {previous or '(none)'}")
        return {"run_id": run_id, "previous_run_id": previous}

    @task(task_id="check")
    def check(runs: dict) -> dict:
        settings = config()
        engine, path = settings["engine"], settings["figure"]
        threshold = float(settings["max_regression_pct"])
        if not runs["previous_run_id"]:
            print(f"No previous scheduled run to compare {runs['run_id']} with: nothing to check")
            return {"run_id": runs["run_id"], "regression_pct": None}
        compared = json.loads(cli("compare", "--json", runs["previous_run_id"], runs["run_id"]))["runs"]
        by_id = {run["runId"]: run for run in compared}
        before = figure(by_id[runs["previous_run_id"]], engine, path)
        after = figure(by_id[runs["run_id"]], engine, path)
        change = (after - before) / abs(before) * 100 if before != 0 else 0.0
        regression = -change if settings["higher_is_better"] else change
        print(
            f"{engine} {path}: {before:g} -> {after:g}, a regression of {regression:.2f}% "
            f"(threshold {threshold:g}%)"
        )
        if regression > threshold:
            raise AirflowFailException(
                f"{engine} {path} regressed by {regression:.2f}% ({before:g} -> {after:g}), "
                f"more than the threshold of {threshold:g}%"
            )
        return {"run_id": runs["run_id"], "regression_pct": regression}

    check(bench())
