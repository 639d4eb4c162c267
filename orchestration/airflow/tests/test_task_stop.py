"""Stopping a task that runs the batch stops the batch's JVM: real processes, the real CLI, signals as Airflow 3's
supervisor sends them to the task's process group (which does not include the CLI's: it runs in a group of its
own)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import landsat_scene_dir, tileinfer_cmd
from crash_batch import committed_rows
from tileinfer_airflow import pipeline

TASK_PROCESS = Path(__file__).with_name("task_process.py")


def process_state(pid: int) -> str | None:
    """The state letter in /proc/PID/stat (R, S, Z...), None when there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def alive(pid: int) -> bool:
    return process_state(pid) not in (None, "Z")  # a zombie has exited: it waits only to be reaped


def children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return kids


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds:.0f} s: {what}")


def run_status(db: Path, run_prefix: str) -> str:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
        return c.execute("SELECT status FROM runs WHERE run_id LIKE ?", (run_prefix + "-%",)).fetchone()[0]


def stop_as_airflow(task: subprocess.Popen, how: str) -> None:
    """Airflow's supervisor stopping a task: SIGTERM to its process group, SIGKILL 5 s later; or SIGKILL alone."""
    if how == "SIGTERM":
        os.killpg(task.pid, signal.SIGTERM)
        time.sleep(5)
    try:
        os.killpg(task.pid, signal.SIGKILL)
    except ProcessLookupError:  # the task ended within the 5 s
        pass
    task.wait(timeout=30)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_a_stopped_task_stops_its_batch(sample, base_config, tmp_path, how):
    doc = yaml.safe_load(base_config.read_text())
    # Tiles of 4 x 4 pixels (20 - 2 x 8), one a batch, one worker: about a minute's work, so that a batch that
    # was not stopped is still running when the test looks.
    doc.update(tiling={"size": 20, "halo": 8, "batch": 1}, workers=1)
    base_config.write_text(yaml.safe_dump(doc, sort_keys=False))
    landsat_scene_dir(sample, tmp_path / "inbox", "scene")
    [scene] = pipeline.inbox_scenes(tmp_path / "inbox")
    config = Path(pipeline.write_run_config(str(base_config), scene, "production", tmp_path / "state"))
    db = Path(doc["output"]) / "results.db"
    argv = pipeline.batch_argv(runner="local", tileinfer=tileinfer_cmd(), config=str(config))
    log = tmp_path / "task.log"
    with log.open("w") as out:
        task = subprocess.Popen([sys.executable, str(TASK_PROCESS), *argv], stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # as Airflow's supervisor puts a task in a group of its own
    cli = None
    try:
        [cli] = wait_for(lambda: children(task.pid), 60, "the task started the CLI")
        # The child takes a session of its own between fork and exec: seen before that, it is still in the task's
        # group (a flake on a loaded machine), so wait for it rather than race it.
        wait_for(lambda: os.getpgid(cli) == cli, 10, "the CLI in a process group of its own")
        assert os.getpgid(cli) == cli != os.getpgid(task.pid)  # a group of its own: the supervisor's killpg misses it
        wait_for(lambda: committed_rows(db, config.stem) > 0 or task.poll() is not None, 300, "a tile row committed")
        assert task.poll() is None, log.read_text()[-3000:]

        stop_as_airflow(task, how)

        wait_for(lambda: not alive(cli), 15, f"the CLI (pid {cli}) ended after the task was stopped by {how}")
        text = log.read_text()
        if how == "SIGTERM":  # said in the task's log, by the task and by the CLI it stopped
            assert f"SIGTERM: stopping {argv[0]} (process group {cli})" in text, text[-3000:]
            assert "stop requested (SIGTERM): finishing the batches in flight" in text, text[-3000:]
            # the CLI got one SIGTERM, and stopped as it does on one: its batches in flight committed, its run
            # marked stopped, for the next attempt to resume
            assert run_status(db, config.stem) == "stopped", text[-3000:]
        else:  # killed with the task: every finished batch committed, the row says running until it is interrupted
            assert run_status(db, config.stem) == "running", text[-3000:]
        assert committed_rows(db, config.stem) > 0
    finally:
        if task.poll() is None:
            os.killpg(task.pid, signal.SIGKILL)
        if cli and alive(cli):
            os.kill(cli, signal.SIGKILL)  # what the fix is for: the test leaves no JVM behind either way
