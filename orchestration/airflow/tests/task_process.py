"""TEST ONLY: a stand-in for the process in which Airflow 3 runs a task, as far as stopping it goes.

    python task_process.py COMMAND...

Runs ``pipeline.run_batch(COMMAND)`` under the SIGTERM handler that Airflow's task runner sets (it calls the
operator's ``on_kill()``, which does nothing for a @task), logging to stderr as a task does to its log. The caller
starts it in a process group of its own, as Airflow's supervisor does, and stops it as the supervisor does: SIGTERM
to that group, SIGKILL 5 s later; or SIGKILL alone, as when the kernel's OOM killer picks it. Used by
test_task_stop.py; never by the DAG.
"""
from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dags"))

from tileinfer_airflow import pipeline  # noqa: E402


def on_kill_of_a_task(signum, frame) -> None:
    """Airflow's task runner on SIGTERM: ``ti.task.on_kill()``, which a @task does not override."""


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    signal.signal(signal.SIGTERM, on_kill_of_a_task)
    try:
        result = pipeline.run_batch(sys.argv[1:])
    except (pipeline.TransientError, pipeline.PermanentError) as e:
        print(f"task failed: {e}", file=sys.stderr)
        return 1
    print(f"task done: {result}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
