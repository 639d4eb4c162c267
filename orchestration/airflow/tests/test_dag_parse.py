"""The DAG folder as Airflow's own parser sees it: no import errors, the expected tasks, retries and params."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta

import pytest
from airflow.dag_processing.dagbag import DagBag

from conftest import DAG_ID, DAGS, airflow_bin


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS))


def test_the_dag_folder_parses_without_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert list(dagbag.dags) == [DAG_ID]
    # The helper package is excluded by .airflowignore: only the DAG file is parsed as one.
    assert [stat.file for stat in dagbag.dagbag_stats] == ["tileinfer_batch.py"]


def import_errors(env: dict, dags_folder) -> list:
    """``airflow dags list-import-errors --local`` for a DAG folder (its JSON output is the last line)."""
    out = subprocess.run([airflow_bin(), "dags", "list-import-errors", "--local", "-o", "json"],
                         env={**env, "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder)}, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]  # exit 1 when there are errors
    return [] if out == "No data found" else json.loads(out)


def test_the_airflow_cli_lists_no_import_errors(airflow, tmp_path):
    assert import_errors(airflow.env, DAGS) == []
    # ... and it would list one: the same folder with a DAG file that does not import.
    shutil.copytree(DAGS, tmp_path / "dags", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "dags" / "broken_dag.py").write_text("from airflow.sdk import dag\nimport no_such_module\n")
    errors = import_errors(airflow.env, tmp_path / "dags")
    assert len(errors) == 1 and "no_such_module" in json.dumps(errors)


def test_a_parallel_scenes_setting_that_would_let_no_batch_run_is_an_import_error(airflow):
    for value in ("0", "two"):
        errors = import_errors({**airflow.env, "TILEINFER_PARALLEL_SCENES": value}, DAGS)
        assert len(errors) == 1 and f"TILEINFER_PARALLEL_SCENES is '{value}', expected an integer" in json.dumps(
            errors, ensure_ascii=False), errors


def test_a_retry_delay_that_is_no_duration_is_an_import_error_that_names_it(airflow):
    for value in ("-60", "nan", "abc"):
        errors = import_errors({**airflow.env, "TILEINFER_RETRY_DELAY_SECONDS": value}, DAGS)
        assert len(errors) == 1 and f"TILEINFER_RETRY_DELAY_SECONDS is '{value}', expected a number of seconds" in \
            json.dumps(errors, ensure_ascii=False), errors


def test_tasks_run_in_order(dagbag):
    dag = dagbag.dags[DAG_ID]
    upstream = {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks}
    assert upstream == {
        "discover": [],
        "validate": ["discover"],
        "scene.write_config": ["validate"],
        "scene.run_batch": ["scene.write_config"],
        "scene.check_manifest": ["scene.run_batch", "scene.write_config"],
        "scene.publish": ["scene.check_manifest", "validate"],
        "scene.set_aside": ["scene.check_manifest", "validate"],
    }
    # one tileinfer run per scene: the group is mapped over validate's scenes
    group = dag.task_group_dict["scene"]
    assert type(group).__name__ == "MappedTaskGroup"
    assert {t.task_id for t in group} == {"scene.write_config", "scene.run_batch", "scene.check_manifest",
                                          "scene.publish", "scene.set_aside"}
    # runs when any task of the scene failed; the counting is in run_batch and check_manifest
    assert dag.get_task("scene.set_aside").trigger_rule == "one_failed"
    # one batch at a time unless TILEINFER_PARALLEL_SCENES says otherwise: each uses every core of its worker
    assert dag.get_task("scene.run_batch").max_active_tis_per_dagrun == 1
    assert dag.max_active_runs == 1
    assert dag.catchup is False


def test_retries_where_they_can_help_and_none_where_they_cannot(dagbag):
    tasks = {t.task_id: t for t in dagbag.dags[DAG_ID].tasks}
    for task_id in ("discover", "scene.run_batch", "scene.publish"):
        assert tasks[task_id].retries >= 2, task_id
        assert tasks[task_id].retry_exponential_backoff == 2.0, task_id
        assert tasks[task_id].max_retry_delay == timedelta(minutes=30), task_id
    # A failed manifest check is a fact about the run's outputs: running the check again changes nothing.
    assert tasks["scene.check_manifest"].retries == 0
    # validate retries a crashed CLI, but raises AirflowFailException (no retry) on validation problems.
    assert tasks["validate"].retries == 2
    assert tasks["scene.run_batch"].execution_timeout == timedelta(hours=12)


def test_params(dagbag):
    params = dagbag.dags[DAG_ID].params
    assert set(params.keys()) == {"config", "model", "scenes", "state_dir", "runner", "on_invalid",
                                  "max_failed_tile_fraction", "max_scene_failures", "max_scenes", "workers",
                                  "spark_master", "retry_failed_tiles"}  # no param names a command: the environment does
    assert params["model"] is None  # the base configuration's model
    assert params["runner"] == "local"
    assert params["on_invalid"] == "fail"
    assert params["retry_failed_tiles"] is True
    assert params["max_scene_failures"] == 0  # an outage fails every scene: none is set aside unless asked
