"""The DAG's steps as plain functions, on files made here (no Airflow run)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import MODEL_BANDS, multiband_tiff_without_a_time, scene_with_a_corrupt_block, tileinfer_cmd
from tileinfer_airflow import pipeline
from tileinfer_airflow.pipeline import PermanentError, Scene, TransientError


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_inbox_discovery_reads_each_form_and_skips_done_rejected_and_incoming(tmp_path):
    inbox = tmp_path / "inbox"
    for band in ("B10", "B2", "B1"):
        write(inbox / "S1" / f"{band}.tif")
    write(inbox / "S1" / "MTL.txt")
    write(inbox / "cog one.tif")
    write(inbox / "item.json", json.dumps({"type": "Feature", "id": "S2A_T18SVG", "assets": {}}))
    write(inbox / "collection.json", json.dumps({"type": "Collection", "id": "c"}))
    write(inbox / ".S3.tif")  # being copied in
    write(inbox / "_S4" / "B1.tif")
    (inbox / "empty").mkdir()
    write(inbox / "notes.txt")

    scenes = pipeline.discover(str(inbox), tmp_path / "state")
    assert [s.id for s in scenes] == ["S1", "S2A_T18SVG", "cog_one"]
    s1 = scenes[0]
    assert list(s1.entry["bands"]) == ["B1", "B2", "B10"]
    assert s1.entry["bands"]["B2"] == str(inbox / "S1" / "B2.tif")
    assert scenes[1].entry == {"id": "S2A_T18SVG", "stac": str(inbox / "item.json")}
    assert scenes[2].entry == {"id": "cog_one", "file": str(inbox / "cog one.tif")}

    write(tmp_path / "state" / "done" / "S1.json", "{}")
    write(tmp_path / "state" / "rejected" / "cog_one.json", "{}")
    assert [s.id for s in pipeline.discover(str(inbox), tmp_path / "state")] == ["S2A_T18SVG"]
    assert pipeline.discover(str(inbox), tmp_path / "other", limit=2)[-1].id == "S2A_T18SVG"


def test_archive_file_names_give_their_bands_and_a_band_given_twice_sets_the_scene_aside(tmp_path, caplog):
    inbox = tmp_path / "inbox"
    for band in ("B10", "B2", "BQA"):
        write(inbox / "LC08" / f"LC08_L1TP_020039_20150804_20200908_02_T1_{band}.TIF")
    write(inbox / "twice" / "B2.tif")
    write(inbox / "twice" / "T18SVG_20160112T160622_b2.tif")
    write(inbox / "other.tif")

    scenes = pipeline.discover(str(inbox), tmp_path / "state")

    assert [s.id for s in scenes] == ["LC08", "other"], "the scene with a band twice is left out, not the others"
    assert list(scenes[0].entry["bands"]) == ["B2", "B10", "BQA"]
    assert scenes[0].entry["bands"]["B2"] == str(inbox / "LC08" / "LC08_L1TP_020039_20150804_20200908_02_T1_B2.TIF")
    assert "B2.tif and T18SVG_20160112T160622_b2.tif are both band B2" in caplog.text


def test_a_missing_inbox_is_worth_a_retry(tmp_path):
    with pytest.raises(TransientError):
        pipeline.discover(str(tmp_path / "not-mounted-yet"), tmp_path / "state")


def test_scenes_whose_names_give_one_id_are_set_aside_and_the_others_go_on(tmp_path, caplog):
    inbox, state = tmp_path / "inbox", tmp_path / "state"
    write(inbox / "foo bar.tif")
    write(inbox / "foo_bar.tif")
    write(inbox / "X.tif")
    write(inbox / "X.json", json.dumps({"type": "Feature", "id": "X", "assets": {}}))  # X.tif's STAC Item
    write(inbox / "L8good" / "B1.tif")

    assert [s.id for s in pipeline.discover(str(inbox), state, dag_run="run-1")] == ["L8good"]
    for sid, sources in (("foo_bar", ["foo bar.tif", "foo_bar.tif"]), ("X", ["X.json", "X.tif"])):
        record = json.loads((state / "rejected" / f"{sid}.json").read_text())
        first, *others = [str(inbox / name) for name in sources]
        assert (record["source"], record["shared_with"], record["dag_run"]) == (first, others, "run-1")
        assert record["issues"] == [
            f"scene id {sid} is given by 2 sources: {first} and {others[0]}; expected one source an id (a file or "
            "directory name, or a STAC Item's id, with characters other than letters, digits, '.', '_' and '-' "
            "made '_'): rename or remove all but one, then remove this file"]
    assert "set aside in rejected/: scene id foo_bar is given by 2 sources" in caplog.text

    # set aside: the next DAG run leaves them out as it does any rejected scene, without a word
    caplog.clear()
    assert [s.id for s in pipeline.discover(str(inbox), state, dag_run="run-2")] == ["L8good"]
    assert caplog.text == ""
    assert json.loads((state / "rejected" / "foo_bar.json").read_text())["dag_run"] == "run-1"
    # one renamed and the marker removed, as the issue says: both run
    (inbox / "foo bar.tif").rename(inbox / "foo-bar.tif")
    (state / "rejected" / "foo_bar.json").unlink()
    assert [s.id for s in pipeline.discover(str(inbox), state)] == ["L8good", "foo-bar", "foo_bar"]


def test_a_scene_whose_id_a_marker_of_another_source_has_is_left_out_with_a_warning_naming_both(tmp_path, caplog):
    inbox, state = tmp_path / "inbox", tmp_path / "state"
    write(inbox / "S.tif")
    published = {"scene": "S", "source": "/old-inbox/S.tif", "run_id": "r-1"}
    write(state / "done" / "S.json", json.dumps(published))

    for dag_run in ("run-1", "run-2"):  # not run, not dropped silently: said again each DAG run
        caplog.clear()
        assert pipeline.discover(str(inbox), state, dag_run=dag_run) == []
        assert (f"{inbox / 'S.tif'}: left out: its scene id S is that of /old-inbox/S.tif, which "
                f"{state / 'done' / 'S.json'} marks; expected a scene id of its own") in caplog.text
    assert json.loads((state / "done" / "S.json").read_text()) == published  # the published scene's, untouched

    caplog.clear()
    write(state / "done" / "S.json", json.dumps({**published, "source": str(inbox / "S.tif")}))  # this very scene
    assert pipeline.discover(str(inbox), state) == [] and caplog.text == ""
    write(state / "done" / "S.json", "{}")  # a marker that names no source marks whatever has the id
    assert pipeline.discover(str(inbox), state) == [] and caplog.text == ""


def test_stac_catalog_discovery_follows_child_and_item_links(tmp_path):
    item = {"type": "Feature", "id": "LC08 001", "assets": {}}
    write(tmp_path / "cat" / "sub" / "items" / "a.json", json.dumps(item))
    write(tmp_path / "cat" / "b.json", json.dumps({**item, "id": "b"}))
    write(tmp_path / "cat" / "sub" / "collection.json", json.dumps(
        {"type": "Collection", "links": [{"rel": "item", "href": "items/a.json"},
                                         {"rel": "parent", "href": "../catalog.json"}]}))
    write(tmp_path / "cat" / "catalog.json", json.dumps(
        {"type": "Catalog", "links": [{"rel": "self", "href": "catalog.json"},
                                      {"rel": "child", "href": "sub/collection.json"},
                                      {"rel": "item", "href": "./b.json"}]}))
    scenes = pipeline.discover(str(tmp_path / "cat" / "catalog.json"), tmp_path / "state")
    assert [(s.id, s.source) for s in scenes] == [
        ("LC08_001", str(tmp_path / "cat" / "sub" / "items" / "a.json")), ("b", str(tmp_path / "cat" / "b.json"))]
    assert scenes[0].entry == {"id": "LC08_001", "stac": scenes[0].source}
    with pytest.raises(PermanentError, match="no such file"):
        pipeline.discover(str(tmp_path / "none.json"), tmp_path / "state")


def test_the_run_configuration_is_the_same_file_for_the_same_scene(tmp_path):
    base = write(tmp_path / "configs" / "pipeline.yaml", yaml.safe_dump({
        "model": "staging", "registry": "../models", "output": "../runs", "store": {"url": "jdbc:sqlite:r.db"},
        "tiling": {"size": 256}, "crs": "EPSG:32616", "scenes": [{"id": "old", "file": "old.tif"}]}))
    a = Scene("A", "/in/A", {"id": "A", "file": "/in/A.tif"})
    b = Scene("B", "/in/B", {"id": "B", "file": "/in/B.tif"})
    state = tmp_path / "state"
    first = Path(pipeline.write_run_config(str(base), a, "production", state))
    stamp = first.stat().st_mtime_ns
    again = Path(pipeline.write_run_config(str(base), a, "production", state))
    assert again == first and first.stat().st_mtime_ns == stamp  # not even rewritten
    assert first.parent == state / "configs" and re.fullmatch(r"A-[0-9a-f]{12}\.yaml", first.name), first
    doc = yaml.safe_load(first.read_text())
    assert doc["model"] == "production"
    assert doc["registry"] == str(tmp_path / "models") and doc["output"] == str(tmp_path / "runs")
    assert doc["store"] == {"url": "jdbc:sqlite:" + str(tmp_path / "configs" / "r.db")}
    assert doc["tiling"] == {"size": 256} and doc["crs"] == "EPSG:32616"
    assert doc["scenes"] == [{"id": "A", "file": "/in/A.tif"}]
    other = Path(pipeline.write_run_config(str(base), b, "production", state))
    assert other != first and yaml.safe_load(other.read_text())["scenes"] == [{"id": "B", "file": "/in/B.tif"}]
    # another model is another file: a retried DAG run must not find another run's text under its name
    assert pipeline.write_run_config(str(base), a, "l8-cloudmask-0123456789ab", state) != str(first)
    assert first.read_text() == again.read_text() and yaml.safe_load(first.read_text())["model"] == "production"
    # a long scene id is cut in the file name, which the hash keeps apart
    long = Scene("S" * 200, "/in/long", {"id": "S" * 200, "file": "/in/long.tif"})
    assert len(Path(pipeline.write_run_config(str(base), long, "production", state)).name) == 64 + 18


def test_an_s3_output_stays_a_url_and_staging_is_relative_to_the_base_configuration(tmp_path):
    base = write(tmp_path / "configs" / "pipeline.yaml", yaml.safe_dump({
        "output": "s3://results/tileinfer", "staging": "../staging", "scenes": [{"id": "old", "file": "old.tif"}]}))
    settings = pipeline.base_settings(str(base))
    assert settings["output"] == "s3://results/tileinfer"
    assert settings["staging"] == str(tmp_path / "staging")


def manifest(tmp_path: Path, counts: dict, scenes: list[dict]) -> Path:
    run = tmp_path / "runs" / "r-1"
    for scene in scenes:
        for key, content in (("output", "raster"), ("quicklook", "picture"), ("stac_item", "item")):
            if scene.get(key):
                write(run / scene[key]["path"], content)
                scene[key]["sha256"] = scene[key].get("sha256") or pipeline.sha256_file(run / scene[key]["path"])
    return write(run / "manifest.json", json.dumps({
        "run_id": "r-1", "status": "succeeded", "model": {"version": "m-1"}, "counts": counts, "scenes": scenes,
        "failures_by_cause": {"inference": counts["failed"]}}))


def test_a_base_configuration_with_a_key_given_twice_is_refused(tmp_path):
    base = write(tmp_path / "pipeline.yaml", "model: production\nregistry: models\nmodel: other\n")
    with pytest.raises(PermanentError, match=r"pipeline.yaml: not valid YAML: line 3, column 1: key 'model' given twice$"):
        pipeline.base_settings(str(base))
    nested = write(tmp_path / "nested.yaml", "tiling: {size: 256, size: 512}\n")
    with pytest.raises(PermanentError, match="key 'size' given twice"):
        pipeline.base_settings(str(nested))


def test_manifest_check_passes_within_thresholds_and_fails_above(tmp_path):
    counts = {"tiles": 100, "done": 97, "skipped": 2, "failed": 1, "scenes": 2, "scenes_failed": 1}
    path = manifest(tmp_path, counts, [
        {"id": "A", "status": "PARTIAL", "output": {"path": "predictions/A.tif"}},
        {"id": "B", "status": "FAILED", "issues": []}])
    summary = pipeline.check_manifest(str(path), ["A", "B"], max_failed_tile_fraction=0.02, max_failed_scenes=1)
    assert summary["outputs"]["A"]["status"] == "PARTIAL" and "B" not in summary["outputs"]
    assert summary["failed_tile_fraction"] == pytest.approx(1 / 98)
    with pytest.raises(PermanentError, match="1 of 98 tiles failed"):
        pipeline.check_manifest(str(path), ["A", "B"], max_failed_tile_fraction=0.005, max_failed_scenes=1)
    with pytest.raises(PermanentError, match=r"1 scenes failed \(B\)"):
        pipeline.check_manifest(str(path), ["A", "B"], max_failed_tile_fraction=0.02, max_failed_scenes=0)
    with pytest.raises(PermanentError, match="expected"):
        pipeline.check_manifest(str(path), ["A", "B", "C"], max_failed_tile_fraction=1, max_failed_scenes=2)


def test_manifest_check_catches_a_missing_or_changed_output(tmp_path):
    counts = {"tiles": 4, "done": 4, "skipped": 0, "failed": 0, "scenes": 1, "scenes_failed": 0}
    path = manifest(tmp_path, counts, [{"id": "A", "status": "DONE", "output": {"path": "predictions/A.tif"}}])
    (path.parent / "predictions" / "A.tif").write_text("changed")
    with pytest.raises(PermanentError, match="SHA-256 differs"):
        pipeline.check_manifest(str(path), ["A"], max_failed_tile_fraction=0, max_failed_scenes=0)
    (path.parent / "predictions" / "A.tif").unlink()
    with pytest.raises(PermanentError, match="missing"):
        pipeline.check_manifest(str(path), ["A"], max_failed_tile_fraction=0, max_failed_scenes=0)


@pytest.mark.parametrize("key,name,what", [("quicklook", "A.quicklook.png", "quicklook"),
                                           ("stac_item", "A.json", "STAC Item")])
def test_manifest_check_passes_a_listed_derived_file_on_and_catches_a_missing_or_changed_one(tmp_path, key, name,
                                                                                          what):
    counts = {"tiles": 8, "done": 8, "skipped": 0, "failed": 0, "scenes": 2, "scenes_failed": 0}
    path = manifest(tmp_path, counts, [
        {"id": "A", "status": "DONE", "output": {"path": "predictions/A.tif"}, key: {"path": f"predictions/{name}"}},
        {"id": "B", "status": "DONE", "output": {"path": "predictions/B.tif"}}])  # this file was not written
    derived = path.parent / "predictions" / name
    summary = pipeline.check_manifest(str(path), ["A", "B"], max_failed_tile_fraction=0, max_failed_scenes=0)
    assert summary["outputs"]["A"][key] == str(derived)
    assert key not in summary["outputs"]["B"]
    pipeline.publish(summary, [Scene("A", "/in/A", {}), Scene("B", "/in/B", {})], tmp_path / "state", "manual__1")
    assert json.loads((tmp_path / "state" / "done" / "A.json").read_text())[key] == str(derived)
    assert json.loads((tmp_path / "state" / "done" / "B.json").read_text())[key] is None
    derived.write_text("changed")
    with pytest.raises(PermanentError, match=f"{name}: SHA-256 differs"):
        pipeline.check_manifest(str(path), ["A", "B"], max_failed_tile_fraction=0, max_failed_scenes=0)
    derived.unlink()
    with pytest.raises(PermanentError, match=f"{what} of scene A is missing"):
        pipeline.check_manifest(str(path), ["A", "B"], max_failed_tile_fraction=0, max_failed_scenes=0)


def test_publish_marks_scenes_with_outputs_done(tmp_path):
    summary = {"run_id": "r-1", "model": "m-1", "manifest": "/runs/r-1/manifest.json",
               "outputs": {"A": {"path": "/runs/r-1/predictions/A.tif", "sha256": "ab", "status": "DONE"}}}
    scenes = [Scene("A", "/in/A", {}), Scene("B", "/in/B", {})]
    assert pipeline.publish(summary, scenes, tmp_path, "manual__1") == ["A"]
    record = json.loads((tmp_path / "done" / "A.json").read_text())
    assert record["source"] == "/in/A" and record["sha256"] == "ab" and record["run_id"] == "r-1"
    assert not (tmp_path / "done" / "B.json").exists()


def test_a_scene_that_fails_in_max_scene_failures_dag_runs_is_set_aside(tmp_path):
    scene = Scene("A", "/in/A", {"id": "A", "file": "/in/A.tif"})
    assert pipeline.record_failure("A", tmp_path, "run-1") == 1
    assert pipeline.record_failure("A", tmp_path, "run-1") == 1  # a retried task: the same DAG run
    assert pipeline.limit_failures(scene, tmp_path, "run-1", 2) == 1
    assert json.loads((tmp_path / "failures" / "A.json").read_text())["dag_runs"] == ["run-1"]
    assert not (tmp_path / "rejected").exists()
    assert pipeline.record_failure("A", tmp_path, "run-2") == 2
    assert pipeline.limit_failures(scene, tmp_path, "run-2", 2) == 2
    rejected = json.loads((tmp_path / "rejected" / "A.json").read_text())
    assert rejected["issues"] == ["it failed in 2 DAG runs (run-1, run-2), max_scene_failures is 2; remove this "
                                  "file to try it again"]
    assert pipeline.finished_marker(tmp_path, "A")[0] == tmp_path / "rejected" / "A.json"  # discovery leaves it out
    assert not (tmp_path / "failures" / "A.json").exists()  # let in again, it starts from 0
    assert pipeline.record_failure("A", tmp_path, "run-2") == 0  # a late retry leaves a rejected scene alone
    assert not (tmp_path / "failures" / "A.json").exists()
    (tmp_path / "rejected" / "A.json").unlink()
    # 0: never set aside; publishing ends the count; a file that is no count counts from 0
    for run in ("run-3", "run-4", "run-5"):
        pipeline.record_failure("A", tmp_path, run)
        assert pipeline.limit_failures(scene, tmp_path, run, 0) == int(run[-1]) - 2
    assert not (tmp_path / "rejected").joinpath("A.json").exists()
    summary = {"run_id": "r", "model": "m", "manifest": "/m.json",
               "outputs": {"A": {"path": "/A.tif", "sha256": "ab", "status": "DONE"}}}
    pipeline.publish(summary, [scene], tmp_path, "run-6")
    assert not (tmp_path / "failures" / "A.json").exists()
    (tmp_path / "failures" / "A.json").write_text('{"dag_runs": null}')
    assert pipeline.record_failure("A", tmp_path, "run-7") == 1
    # set aside as invalid by validate: the count goes too
    pipeline.reject(scene, ["invalid"], tmp_path, "run-8")
    assert not (tmp_path / "failures" / "A.json").exists()


def test_batch_command_lines():
    assert pipeline.batch_argv(runner="local", tileinfer="java -jar /opt/t.jar", config="/s/c.yaml", workers=4) == [
        "java", "-jar", "/opt/t.jar", "batch", "--config", "/s/c.yaml", "--workers", "4"]
    argv = pipeline.batch_argv(runner="spark-submit", tileinfer="tileinfer", config="/s/batch-1.yaml",
                               jar="/opt/t.jar", spark_master="yarn", spark_args=["--conf", "a=b"])
    assert argv == ["spark-submit", "--master", "yarn", "--deploy-mode", "client", "--name", "tileinfer-batch-1",
                    "--class", "io.tileinfer.spark.SparkBatchJob",
                    "--conf", "spark.driver.extraJavaOptions=--enable-native-access=ALL-UNNAMED",
                    "--conf", "spark.executor.extraJavaOptions=--enable-native-access=ALL-UNNAMED",
                    "--conf", "a=b", "/opt/t.jar", "--config", "/s/batch-1.yaml"]
    with pytest.raises(PermanentError):
        pipeline.batch_argv(runner="k8s", tileinfer="tileinfer", config="c")


def test_the_spark_master_is_one_the_deployment_allows():
    assert pipeline.spark_master("local[*]", None) == "local[*]"
    assert pipeline.spark_master("yarn", "yarn, spark://spark:7077") == "yarn"
    with pytest.raises(PermanentError, match="set TILEINFER_SPARK_MASTERS"):
        pipeline.spark_master("spark://attacker:7077", None)
    with pytest.raises(PermanentError, match="TILEINFER_SPARK_MASTERS is yarn"):
        pipeline.spark_master("spark://attacker:7077", "yarn")


def test_a_configuration_error_of_the_real_cli_is_not_retried(tmp_path):
    argv = pipeline.batch_argv(runner="local", tileinfer=tileinfer_cmd(), config=str(tmp_path / "missing.yaml"))
    with pytest.raises(PermanentError, match="exit code 2.*no such configuration file"):
        pipeline.run_batch(argv)


def test_a_batch_with_failed_tiles_is_worth_a_retry_until_the_last_try(sample, base_config, tmp_path):
    scene = scene_with_a_corrupt_block(sample, tmp_path / "inbox", "corrupt")
    found = Scene("corrupt", str(scene), {"id": "corrupt", "bands": {b: str(scene / f"{b}.tif") for b in MODEL_BANDS}})
    config = pipeline.write_run_config(str(base_config), found, "production", tmp_path / "state")
    argv = pipeline.batch_argv(runner="local", tileinfer=tileinfer_cmd(), config=config)

    with pytest.raises(TransientError, match="exit code 3.*the batch computes only the failed tiles and scenes again"):
        pipeline.run_batch(argv, retry_failures=True)
    last_try = pipeline.run_batch(argv)  # the same run, resumed: its failed tiles computed again, failed again
    assert last_try["exit_code"] == 3
    manifest = json.loads(Path(last_try["manifest"]).read_text())
    assert manifest["scenes"][0]["status"] == "PARTIAL"
    assert manifest["failures_by_cause"] == {"read": manifest["counts"]["failed"]} and manifest["counts"]["done"] > 0


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("code, body, cause", [
    (127, 'exec no-such-java-for-tileinfer "$@"', "was not found"),
    (126, 'exec "$(dirname "$0")/not-executable" "$@"', "is not executable"),
])
def test_a_command_not_found_or_not_executable_is_not_retried(tmp_path, code, body, cause):
    # a spark-submit whose launcher cannot start java: the shell's 127 (126 for a file without the x bit)
    (tmp_path / "not-executable").write_text("#!/bin/sh\n", encoding="utf-8")
    spark_submit = script(tmp_path / "spark-submit", body)
    argv = pipeline.batch_argv(runner="spark-submit", tileinfer="tileinfer", config=str(tmp_path / "c.yaml"),
                               jar=str(tmp_path / "t.jar"), spark_submit=str(spark_submit))
    with pytest.raises(PermanentError) as raised:
        pipeline.run_batch(argv)
    assert f"exit code {code} (a command it runs {cause}: check {spark_submit} and what it starts" in str(raised.value)
    with pytest.raises(PermanentError, match=f"exit code {code}"):
        pipeline.validate(str(spark_submit), [], registry="models", model="production", crs=None)


def test_a_file_the_network_did_not_deliver_is_worth_a_retry_not_a_rejection(tmp_path):
    issue = {"file": "https://example.org/a.tif", "check": "reachable", "expected": "a readable GeoTIFF",
             "found": "cannot open: timed out"}
    report = [{"scene": "a", "source": issue["file"], "valid": False, "issues": [issue]}]
    cli = script(tmp_path / "tileinfer", "cat <<'EOF'\n" + json.dumps(report) + "\nEOF\nexit 4")
    scene = Scene("a", issue["file"], {"id": "a", "file": issue["file"]})
    with pytest.raises(TransientError, match="could not reach every file: https://example.org/a.tif: reachable: "
                                             "found cannot open: timed out"):
        pipeline.validate(str(cli), [scene], registry="models", model="production", crs=None)
    issue["check"] = "readable"  # a file that is there and is no GeoTIFF: the scene is invalid, for good
    script(tmp_path / "tileinfer", "cat <<'EOF'\n" + json.dumps(report) + "\nEOF\nexit 4")
    assert pipeline.validate(str(cli), [scene], registry="models", model="production", crs=None).invalid[0][0] == scene


def test_validate_leaves_out_the_checks_the_base_configuration_skips(sample, base_config, tmp_path):
    tiff = multiband_tiff_without_a_time(sample, tmp_path / "inbox" / "dateless.tif")
    scene = Scene("dateless", str(tiff), {"id": "dateless", "file": str(tiff)})
    doc = yaml.safe_load(base_config.read_text())
    settings = pipeline.base_settings(str(base_config))
    assert pipeline.skipped_checks(str(base_config), settings) == []
    checked = pipeline.validate(tileinfer_cmd(), [scene], registry=doc["registry"], model="production",
                                crs=doc["crs"], skip_checks=pipeline.skipped_checks(str(base_config), settings))
    [(_, issues)] = checked.invalid
    assert [re.sub(r" \(.*", "", issue) for issue in issues] == [f"{tiff}: acquisition-time: found none"]

    base_config.write_text(yaml.safe_dump({**doc, "checks": {"skip": ["acquisition-time"]}}))
    settings = pipeline.base_settings(str(base_config))
    assert pipeline.skipped_checks(str(base_config), settings) == ["acquisition-time"]
    skipped = pipeline.validate(tileinfer_cmd(), [scene], registry=doc["registry"], model="production",
                                crs=doc["crs"], skip_checks=pipeline.skipped_checks(str(base_config), settings))
    # the time is no longer asked for; the reference model's sun-angle correction still needs a sun elevation
    [(_, issues)] = skipped.invalid
    assert [re.sub(r":.*", "", issue.removeprefix(f"{tiff}: ")) for issue in issues] == ["sun-elevation"], issues

    # a name the CLI does not know is a bad configuration, said in the CLI's words (not its usage's last line)
    with pytest.raises(PermanentError, match=r"exit code 2: Invalid value for option '--skip' \(CHECK\): crs is "
                                             r"not a check that can be skipped, expected one of acquisition-time, "):
        pipeline.validate(tileinfer_cmd(), [scene], registry=doc["registry"], model="production", crs=None,
                          skip_checks=["crs"])


@pytest.mark.parametrize("checks, problem", [
    ("acquisition-time", "checks is 'acquisition-time', expected a mapping"),
    ({"skip": "acquisition-time"}, "checks.skip is 'acquisition-time', expected a list of check names"),
    ({"skip": [1]}, "checks.skip is [1], expected a list of check names"),
])
def test_a_checks_skip_that_is_no_list_of_names_is_refused_naming_the_file(tmp_path, checks, problem):
    base = write(tmp_path / "pipeline.yaml", yaml.safe_dump({"checks": checks}))
    with pytest.raises(PermanentError, match=re.escape(f"{base}: {problem}")):
        pipeline.skipped_checks(str(base), pipeline.base_settings(str(base)))


def test_a_command_that_is_not_there_is_not_retried(tmp_path):
    argv = pipeline.batch_argv(runner="local", tileinfer=str(tmp_path / "no-such-tileinfer"), config="c.yaml")
    with pytest.raises(PermanentError, match=f"{tmp_path / 'no-such-tileinfer'}: command not found"):
        pipeline.run_batch(argv)

