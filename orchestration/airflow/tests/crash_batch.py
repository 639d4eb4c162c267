"""TEST ONLY: the real tileinfer, except that a scene's first ``batch`` attempts are killed part-way, as a lost
worker would be.

    TILEINFER_CMD="python crash_batch.py STATE.json SCENE ATTEMPTS 'REAL TILEINFER COMMAND' --"

Every command other than ``batch`` runs the real command unchanged, and so does every ``batch`` whose configuration
has no scene SCENE (``*``: any scene), or that comes after the first ATTEMPTS of those. Those start the real batch,
wait until it has committed at least one tile row to its SQLite result store, kill the JVM's process group with
SIGKILL and exit 1. STATE.json records the attempts and how many tile rows existed when the last kill happened, for
the test to check. Set as TILEINFER_CMD by test_dag_runs.py for an ``airflow dags test``; never used by the DAG
itself.
"""
from __future__ import annotations

import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import yaml


def committed_rows(db: Path, run_prefix: str) -> int:
    if not db.is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
            return c.execute("SELECT count(*) FROM tile_results WHERE run_id LIKE ?",
                             (run_prefix + "-%",)).fetchone()[0]
    except sqlite3.Error:  # the store is being created
        return 0


def main() -> int:
    state_file, scene, attempts, real, sep, *args = sys.argv[1:]
    assert sep == "--", "usage: crash_batch.py STATE.json SCENE ATTEMPTS 'REAL COMMAND' -- ARGS..."
    argv = shlex.split(real) + args
    state_path = Path(state_file)
    state = json.loads(state_path.read_text()) if state_path.is_file() else {"batch_attempts": 0}
    if not args or args[0] != "batch":
        os.execvp(argv[0], argv)
    config = Path(args[args.index("--config") + 1])
    doc = yaml.safe_load(config.read_text())
    if scene != "*" and scene not in [s["id"] for s in doc["scenes"]]:
        os.execvp(argv[0], argv)
    state["batch_attempts"] += 1
    state_path.write_text(json.dumps(state))
    if state["batch_attempts"] > int(attempts):
        os.execvp(argv[0], argv)

    output = Path(doc["output"])
    db = output / "results.db"
    proc = subprocess.Popen(argv, start_new_session=True)
    deadline = time.monotonic() + 300
    rows = 0
    while proc.poll() is None and time.monotonic() < deadline:
        rows = committed_rows(db, config.stem)
        if rows > 0:
            break
        time.sleep(0.02)
    finished = proc.poll() is not None
    if not finished:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    state.update(killed=not finished, rows_at_kill=committed_rows(db, config.stem))
    state_path.write_text(json.dumps(state))
    print(f"crash_batch (test only): {'killed' if not finished else 'let finish'} batch attempt "
          f"{state['batch_attempts']} of scene {scene} with "
          f"{state['rows_at_kill']} tile rows committed; failing this attempt", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
