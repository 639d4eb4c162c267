"""Full runs of the DAG with ``airflow dags test``: real Airflow, the real tileinfer CLI, the real sample scene."""
from __future__ import annotations

import hashlib
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import LANDSAT, MODEL_BANDS, landsat_scene_dir, results_rows, tileinfer_cmd

TASKS = ["discover", "validate", "write_config", "run_batch", "check_manifest", "publish"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_dirs(runs: Path) -> list[Path]:
    return sorted(p for p in runs.iterdir() if p.is_dir()) if runs.is_dir() else []


def already_finished(output: str) -> list[int]:
    """The "scene X: N tiles, K already finished" counts that tileinfer batch logged."""
    return [int(k) for k in re.findall(r"tiles, (\d+) already finished", output)]


def test_dags_test_runs_the_real_cli_and_a_rerun_does_no_work_twice(airflow, sample, base_config, tmp_path):
    inbox = tmp_path / "inbox"
    landsat_scene_dir(sample, inbox)
    (inbox / "broken.tif").write_text("not a GeoTIFF\n")  # set aside by on_invalid=skip
    (inbox / ".incoming.tif").write_text("still being copied\n")  # ignored by discovery
    state = tmp_path / "state"
    runs = tmp_path / "runs"
    conf = {"config": str(base_config), "scenes": str(inbox), "state_dir": str(state), "on_invalid": "skip"}

    first = airflow.dags_test("2025-01-01T00:00:00+00:00", conf)
    assert first.returncode == 0, first.output[-5000:]
    assert airflow.task_states(first.run_id) == {t: ("success", 1) for t in TASKS}

    # The batch wrote one run: a manifest with every tile done, and the prediction COG.
    [run] = run_dirs(runs)
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "succeeded"
    assert manifest["counts"] == {"tiles": 9, "done": 9, "skipped": 0, "failed": 0, "scenes": 1, "scenes_failed": 0}
    assert manifest["model"]["alias"] == "production"
    [scene] = manifest["scenes"]
    prediction = run / scene["output"]["path"]
    assert sha256(prediction) == scene["output"]["sha256"]
    quicklook = run / scene["quicklook"]["path"]
    assert sha256(quicklook) == scene["quicklook"]["sha256"]
    item = run / scene["stac_item"]["path"]
    assert sha256(item) == scene["stac_item"]["sha256"]
    assert json.loads(item.read_text())["assets"]["prediction"]["href"] == "./" + prediction.name
    info = json.loads(subprocess.run(["gdalinfo", "-json", str(prediction)], check=True, capture_output=True,
                                     text=True).stdout)
    assert info["size"] == [627, 603]
    assert len(info["bands"]) == 3  # the class map, then the clear and cloud probabilities
    assert "32616" in json.dumps(info["coordinateSystem"])
    assert sorted(Path(i["path"]).name for i in scene["inputs"]) == sorted(f"{b}.tif" for b in MODEL_BANDS)

    # The run's configuration was written from the base one, with the discovered scene only.
    config = yaml.safe_load(Path(manifest["config"]["path"]).read_text())
    assert [s["id"] for s in config["scenes"]] == ["LC80200392015216"]
    assert config["registry"] == yaml.safe_load(base_config.read_text())["registry"]

    # Published: the scene is marked done with its output; the broken file was set aside with its issue.
    done = json.loads((state / "done" / "LC80200392015216.json").read_text())
    assert done["output"] == str(prediction) and done["sha256"] == scene["output"]["sha256"]
    assert done["quicklook"] == str(quicklook) and done["stac_item"] == str(item)
    assert done["run_id"] == manifest["run_id"]
    rejected = json.loads((state / "rejected" / "broken.json").read_text())
    assert any("broken.tif" in issue for issue in rejected["issues"]), rejected
    assert not (state / "done" / "broken.json").exists()

    rows = results_rows(runs / "results.db")
    assert len(rows) == 9 and len({r[1] for r in rows}) == 9 and {r[2] for r in rows} == {"DONE"}

    # A later scheduled run finds nothing new: discover skips, and so does everything after it.
    second = airflow.dags_test("2025-01-02T00:00:00+00:00", conf)
    assert second.returncode == 0, second.output[-5000:]
    states = airflow.task_states(second.run_id)
    assert states["discover"] == ("skipped", 1)
    assert {t: s for t, (s, _) in states.items()} == {t: "skipped" for t in TASKS}
    assert run_dirs(runs) == [run]
    assert results_rows(runs / "results.db") == rows

    # Re-running the first DAG run after its publication was lost: the same configuration, hence the same
    # tileinfer run, which is finished and kept as it was; no new row, the same bytes.
    (state / "done" / "LC80200392015216.json").unlink()
    third = airflow.dags_test("2025-01-01T00:00:00+00:00", conf)
    assert third.returncode == 0, third.output[-5000:]
    assert {t: s for t, (s, _) in airflow.task_states(third.run_id).items()} == {t: "success" for t in TASKS}
    assert already_finished(third.output) == []  # no tile was looked at again
    assert re.search(r"scene LC80200392015216 already done, kept", third.output), third.output[-5000:]
    assert re.search(r"run \S+ already finished \(succeeded\), kept as it was", third.output), third.output[-5000:]
    assert run_dirs(runs) == [run]
    assert results_rows(runs / "results.db") == rows
    assert sha256(prediction) == scene["output"]["sha256"]
    assert (state / "done" / "LC80200392015216.json").is_file()


def test_batch_task_fails_once_and_airflows_retry_resumes_the_run(airflow, sample, base_config, tmp_path):
    # Small tiles and batches, so that the first attempt is killed with the run part-way done.
    doc = yaml.safe_load(base_config.read_text())
    doc.update(tiling={"size": 64, "halo": 8, "batch": 4}, workers=1)
    base_config.write_text(yaml.safe_dump(doc, sort_keys=False))

    # The scene comes from a STAC catalog this time: catalog -> item -> one GeoTIFF asset per band.
    stac = tmp_path / "stac"
    (stac / "items").mkdir(parents=True)
    band_dir = sample / LANDSAT
    item = {"type": "Feature", "stac_version": "1.0.0", "id": "LC80200392015216", "geometry": None,
            "properties": {"datetime": "2015-08-04T16:19:21.79Z"}, "links": [],
            "assets": {b: {"href": str(band_dir / f"{b}.tif"), "type": "image/tiff; application=geotiff",
                           "eo:bands": [{"name": b}]} for b in MODEL_BANDS}}
    (stac / "items" / "LC80200392015216.json").write_text(json.dumps(item))
    (stac / "catalog.json").write_text(json.dumps({
        "type": "Catalog", "stac_version": "1.0.0", "id": "inbox", "description": "new scenes",
        "links": [{"rel": "item", "href": "items/LC80200392015216.json"}]}))

    crash_state = tmp_path / "crash.json"
    wrapper = Path(__file__).with_name("crash_first_batch.py")
    tileinfer = shlex.join([sys.executable, str(wrapper), str(crash_state), tileinfer_cmd(), "--"])
    state = tmp_path / "state"
    runs = tmp_path / "runs"
    conf = {"config": str(base_config), "scenes": str(stac / "catalog.json"), "state_dir": str(state)}

    result = airflow.dags_test("2025-02-01T00:00:00+00:00", conf, env={"TILEINFER_CMD": tileinfer})
    assert result.returncode == 0, result.output[-5000:]

    # Airflow ran run_batch twice: try 1 failed (kept in the history), try 2 succeeded; nothing else retried.
    states = airflow.task_states(result.run_id)
    assert states["run_batch"] == ("success", 2)
    assert {t: s for t, s in states.items() if t != "run_batch"} == {
        t: ("success", 1) for t in TASKS if t != "run_batch"}
    assert [try_ for try_, _ in airflow.history(result.run_id, "run_batch")] == [1]
    assert airflow.dag_run_state(result.run_id) == "success"

    # The first attempt was killed with tiles committed; the retry resumed from them.
    crash = json.loads(crash_state.read_text())
    assert crash["batch_attempts"] == 2
    assert crash["killed"] and crash["rows_at_kill"] >= 1, crash
    first_try, retry = already_finished(result.output)  # logged by each attempt's tileinfer batch
    assert first_try == 0 and retry >= crash["rows_at_kill"], (first_try, retry, crash)

    [run] = run_dirs(runs)
    manifest = json.loads((run / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["failed"] == 0 and counts["done"] + counts["skipped"] == counts["tiles"] > retry
    rows = results_rows(runs / "results.db")
    assert len(rows) == len({r[1] for r in rows}) == counts["tiles"]  # no tile twice
    assert (state / "done" / "LC80200392015216.json").is_file()


def test_invalid_scene_fails_validate_at_once_without_retry(airflow, base_config, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "broken.tif").write_text("not a GeoTIFF\n")
    conf = {"config": str(base_config), "scenes": str(inbox), "state_dir": str(tmp_path / "state")}

    result = airflow.dags_test("2025-03-01T00:00:00+00:00", conf)
    assert result.returncode != 0
    states = airflow.task_states(result.run_id)
    assert states["discover"] == ("success", 1)
    assert states["validate"] == ("failed", 1)  # retries=2, but a validation problem is not retried
    assert airflow.history(result.run_id, "validate") == []
    assert all(states[t][0] == "upstream_failed" for t in TASKS[2:]), states
    assert airflow.dag_run_state(result.run_id) == "failed"
    assert "a retry cannot fix this" in result.output and "broken.tif" in result.output
    assert not (tmp_path / "runs").exists()
    assert not (tmp_path / "state" / "rejected").exists()
