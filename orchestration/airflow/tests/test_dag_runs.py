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

from conftest import (LANDSAT, MODEL_BANDS, landsat_scene_dir, multiband_tiff_without_a_time, results_rows,
                      scene_with_a_corrupt_block, tileinfer_cmd)

PER_SCENE = ["scene.write_config", "scene.run_batch", "scene.check_manifest", "scene.publish"]
TASKS = ["discover", "validate", *PER_SCENE, "scene.set_aside"]  # named so before the group is mapped
SCENE = "LC80200392015216"


def tasks_for(*scene_ids: str) -> list[str]:
    """The task instances of a DAG run that succeed when these scenes do: the mapped ones are named by scene."""
    return ["discover", "validate"] + [f"{task}[{sid}]" for sid in scene_ids for task in PER_SCENE]


def succeeded(*scene_ids: str) -> dict[str, tuple[str, int]]:
    """The states of a DAG run in which these scenes went through: each task once, and set_aside skipped, before
    Airflow maps it (it maps it only when one of its scenes failed)."""
    return {t: ("success", 1) for t in tasks_for(*scene_ids)} | {"scene.set_aside": ("skipped", 0)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_dirs(runs: Path) -> list[Path]:
    return sorted(p for p in runs.iterdir() if p.is_dir()) if runs.is_dir() else []


def already_finished(output: str) -> list[int]:
    """The "scene X: N tiles, K already finished" counts that tileinfer batch logged."""
    return [int(k) for k in re.findall(r"tiles, (\d+) already finished", output)]


def crashing(state: Path, scene: str, attempts: int) -> str:
    """A TILEINFER_CMD whose first ``attempts`` batches of ``scene`` are killed part-way (tests/crash_batch.py)."""
    wrapper = Path(__file__).with_name("crash_batch.py")
    return shlex.join([sys.executable, str(wrapper), str(state), scene, str(attempts), tileinfer_cmd(), "--"])


def test_dags_test_runs_the_real_cli_and_a_rerun_does_no_work_twice(airflow, sample, base_config, tmp_path):
    inbox = tmp_path / "inbox"
    landsat_scene_dir(sample, inbox)
    (inbox / "broken.tif").write_text("not a GeoTIFF\n")  # set aside by on_invalid=skip
    (inbox / ".incoming.tif").write_text("still being copied\n")  # ignored by discovery
    for name in ("foo bar.tif", "foo_bar.tif"):  # one scene id, foo_bar: both set aside, the others go on
        (inbox / name).write_text("either could be scene foo_bar\n")
    state = tmp_path / "state"
    runs = tmp_path / "runs"
    conf = {"config": str(base_config), "scenes": str(inbox), "state_dir": str(state), "on_invalid": "skip"}

    first = airflow.dags_test("2025-01-01T00:00:00+00:00", conf)
    assert first.returncode == 0, first.output[-5000:]
    assert airflow.task_states(first.run_id) == succeeded(SCENE)

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
    shared = json.loads((state / "rejected" / "foo_bar.json").read_text())
    assert [shared["source"], *shared["shared_with"]] == [str(inbox / "foo bar.tif"), str(inbox / "foo_bar.tif")]
    assert shared["dag_run"] == first.run_id and "is given by 2 sources" in shared["issues"][0]

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
    assert airflow.task_states(third.run_id) == succeeded(SCENE)
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
    tileinfer = crashing(crash_state, "*", 1)
    state = tmp_path / "state"
    runs = tmp_path / "runs"
    conf = {"config": str(base_config), "scenes": str(stac / "catalog.json"), "state_dir": str(state)}

    result = airflow.dags_test("2025-02-01T00:00:00+00:00", conf, env={"TILEINFER_CMD": tileinfer})
    assert result.returncode == 0, result.output[-5000:]

    # Airflow ran run_batch twice: try 1 failed (kept in the history), try 2 succeeded; nothing else retried.
    states = airflow.task_states(result.run_id)
    batch = f"scene.run_batch[{SCENE}]"
    assert states[batch] == ("success", 2)
    assert {t: s for t, s in states.items() if t != batch} == {
        t: s for t, s in succeeded(SCENE).items() if t != batch}
    assert [try_ for try_, _ in airflow.history(result.run_id, "scene.run_batch", map_index=0)] == [1]
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


def test_failed_tiles_are_computed_again_on_the_batchs_retries_and_the_last_try_is_published(airflow, sample,
                                                                                            base_config, tmp_path):
    inbox = tmp_path / "inbox"
    scene_with_a_corrupt_block(sample, inbox, "corrupt")  # the tiles over it fail to read, on every try
    state = tmp_path / "state"
    runs = tmp_path / "runs"
    conf = {"config": str(base_config), "scenes": str(inbox), "state_dir": str(state),
            "max_failed_tile_fraction": 1.0}

    result = airflow.dags_test("2025-02-15T00:00:00+00:00", conf)
    assert result.returncode == 0, result.output[-5000:]

    # run_batch's two retries ran the batch again, each computing only the failed tiles; the last try's result
    # went on to the manifest check, within the threshold here, and the scene was published
    states = airflow.task_states(result.run_id)
    batch = "scene.run_batch[corrupt]"
    assert states[batch] == ("success", 3)
    assert [try_ for try_, _ in airflow.history(result.run_id, "scene.run_batch", map_index=0)] == [1, 2]
    assert {t: s for t, s in states.items() if t != batch} == {
        t: s for t, s in succeeded("corrupt").items() if t != batch}
    [run] = run_dirs(runs)
    manifest = json.loads((run / "manifest.json").read_text())
    counts = manifest["counts"]
    assert 0 < counts["failed"] < counts["tiles"] and manifest["scenes"][0]["status"] == "PARTIAL"
    assert already_finished(result.output) == [0, counts["done"] + counts["skipped"],
                                               counts["done"] + counts["skipped"]]
    rows = results_rows(runs / "results.db")
    assert len(rows) == len({r[1] for r in rows}) == counts["tiles"]  # no tile twice
    assert json.loads((state / "done" / "corrupt.json").read_text())["status"] == "PARTIAL"


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


def test_validate_skips_the_checks_the_base_configuration_skips(airflow, sample, base_config, tmp_path):
    # A scene that says no acquisition time, which the base configuration lets pass: so must validate. The reference
    # model corrects its reflectance for the sun angle, and a scene without a time has no sun elevation to compute:
    # the scene is set aside for that alone, not for its missing time.
    doc = yaml.safe_load(base_config.read_text())
    base_config.write_text(yaml.safe_dump({**doc, "checks": {"skip": ["acquisition-time"]}}, sort_keys=False))
    inbox = tmp_path / "inbox"
    multiband_tiff_without_a_time(sample, inbox / "dateless.tif")
    state = tmp_path / "state"
    conf = {"config": str(base_config), "scenes": str(inbox), "state_dir": str(state), "on_invalid": "skip"}

    result = airflow.dags_test("2025-03-15T00:00:00+00:00", conf)
    assert result.returncode == 0, result.output[-5000:]
    assert "validate --json --registry" in result.output and "--skip acquisition-time" in result.output
    issues = json.loads((state / "rejected" / "dateless.json").read_text())["issues"]
    assert [re.sub(r" \(.*", "", issue) for issue in issues] == [f"{inbox / 'dateless.tif'}: sun-elevation: found none: "
                                                                 "no `sun_elevation:` in the scene's configuration, no "
                                                                 "view:sun_elevation in a STAC item, no Landsat MTL.txt "
                                                                 "beside local files, and no acquisition time to compute "
                                                                 "it from, expected the sun's elevation at the scene "
                                                                 "in degrees"], issues


def test_a_scene_that_keeps_failing_holds_back_no_other_and_resumes_its_own_run_later(airflow, sample, base_config,
                                                                                     tmp_path):
    doc = yaml.safe_load(base_config.read_text())
    doc.update(tiling={"size": 64, "halo": 8, "batch": 4}, workers=1)  # many tiles, so that a kill leaves some
    base_config.write_text(yaml.safe_dump(doc, sort_keys=False))
    inbox = tmp_path / "inbox"
    for name in ("scene-a", "scene-b"):
        landsat_scene_dir(sample, inbox, name)
    state = tmp_path / "state"
    runs = tmp_path / "runs"
    conf = {"config": str(base_config), "scenes": str(inbox), "state_dir": str(state), "max_scene_failures": 2}
    crash_state = tmp_path / "crash.json"

    # Every batch attempt of scene-b is killed part-way (a scene that breaks its worker, say): its retries fail too.
    first = airflow.dags_test("2025-04-01T00:00:00+00:00", conf, env={"TILEINFER_CMD": crashing(crash_state,
                                                                                                "scene-b", 99)})
    assert first.returncode != 0
    assert airflow.dag_run_state(first.run_id) == "failed"
    states = airflow.task_states(first.run_id)
    assert {t: states[t] for t in tasks_for("scene-a")} == {t: ("success", 1) for t in tasks_for("scene-a")}
    assert states["scene.run_batch[scene-b]"] == ("failed", 3)  # the first try and the DAG's 2 retries
    assert states["scene.check_manifest[scene-b]"][0] == "upstream_failed"
    assert states["scene.publish[scene-b]"][0] == "upstream_failed"
    assert states["scene.set_aside[scene-a]"][0] == "skipped"
    assert states["scene.set_aside[scene-b]"] == ("success", 1)
    # counted once (its 3 attempts are one DAG run), not set aside: max_scene_failures is 2
    assert json.loads((state / "failures" / "scene-b.json").read_text())["dag_runs"] == [first.run_id]
    assert not (state / "rejected").exists()
    assert "scene scene-b failed in 1 DAG run(s) in a way of its own (max_scene_failures 2)" in first.output
    crash = json.loads(crash_state.read_text())
    assert crash["batch_attempts"] == 3 and crash["rows_at_kill"] >= 1, crash
    # scene-a was published from a run of its own; scene-b has tiles committed and no marker
    assert sorted(p.name for p in (state / "done").iterdir()) == ["scene-a.json"]
    # one asset event a published scene
    assert [e["scenes"] for e in airflow.asset_events(first.run_id)] == [["scene-a"]]
    a_done = json.loads((state / "done" / "scene-a.json").read_text())
    [a_run] = [r for r in run_dirs(runs) if r.name == a_done["run_id"]]
    a_manifest = (a_run / "manifest.json").read_bytes()
    b_config = next((state / "configs").glob("scene-b-*.yaml"))
    b_rows = [r for r in results_rows(runs / "results.db") if r[0].startswith(b_config.stem + "-")]
    assert b_rows and {r[2] for r in b_rows} == {"DONE"}

    # The next DAG run finds scene-b again, and a new scene-c beside it. scene-b resumes its own run, with the same
    # configuration as before: the new scene changes nothing of it. scene-a is not looked at.
    landsat_scene_dir(sample, inbox, "scene-c")
    second = airflow.dags_test("2025-04-02T00:00:00+00:00", conf)
    assert second.returncode == 0, second.output[-5000:]
    assert airflow.task_states(second.run_id) == succeeded("scene-b", "scene-c")
    assert not (state / "failures" / "scene-b.json").exists()  # published: its failures are over
    assert sorted(p.name for p in (state / "configs").iterdir()) == sorted(
        [next((state / "configs").glob("scene-a-*.yaml")).name, b_config.name,
         next((state / "configs").glob("scene-c-*.yaml")).name])
    finished = already_finished(second.output)
    assert len(finished) == 2 and max(finished) >= len(b_rows), (finished, len(b_rows))  # scene-b's, kept
    assert min(finished) == 0  # scene-c's: new
    b_done = json.loads((state / "done" / "scene-b.json").read_text())
    assert b_done["run_id"].startswith(b_config.stem + "-")
    rows = results_rows(runs / "results.db")
    assert len(rows) == len(set(rows)) and len({(r[0], r[1]) for r in rows}) == len(rows)  # no tile twice
    assert set(b_rows) <= set(rows)
    assert sorted(p.name for p in (state / "done").iterdir()) == ["scene-a.json", "scene-b.json", "scene-c.json"]
    events = airflow.asset_events(second.run_id)
    assert [e["scenes"] for e in events] == [["scene-b"], ["scene-c"]]
    assert events[0]["run_id"] == b_done["run_id"]
    assert (a_run / "manifest.json").read_bytes() == a_manifest
    assert len(run_dirs(runs)) == 3
