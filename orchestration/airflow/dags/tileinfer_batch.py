"""
### tileinfer_batch: scheduled batch inference over new scenes

`discover` → `validate` → for each valid scene: `scene.write_config` → `scene.run_batch` → `scene.check_manifest`
→ `scene.publish`

* **discover** lists the scene source (param `scenes`): an inbox directory (each entry a directory of
  single-band GeoTIFFs, a GeoTIFF/COG, or a STAC Item `.json`; names starting with `.` or `_` are ignored)
  or a STAC Catalog/Collection (file or http(s) URL). Scenes already published or rejected are left out (with a
  warning when the marker is another source's); scenes whose names give one id are set aside together in
  `rejected/`, and the others go on; no new scene skips the rest of the run.
* **validate** runs `tileinfer validate --json` against the model and the configuration's CRS, without the checks
  of its `checks.skip`. Problems fail the task at once, without retry (`on_invalid: fail`), or set those scenes
  aside in `rejected/` (`on_invalid: skip`).
* **scene** is mapped over the valid scenes: each scene is a tileinfer run of its own, so that one scene's failure
  holds back no other scene, and a scene left unpublished resumes its own run in a later DAG run, whatever scenes
  arrived since. `TILEINFER_PARALLEL_SCENES` (default 1) scenes run their batch at once.
  * **write_config** writes the scene's run configuration: the base configuration (param `config`) with the
    scenes replaced by this one. Its bytes follow from the inputs only, so the tileinfer run id does too.
  * **run_batch** runs `tileinfer batch` locally or through `spark-submit` (param `runner`). Retried with
    exponential back-off; a retry resumes the same run (finished tiles are never recomputed). A bad configuration
    (exit 2) or a command that is not there or not executable (126, 127) fails at once. A batch that finished with
    failed tiles or a failed scene (exit 3) is retried too, which computes only those again (param
    `retry_failed_tiles`, on by default); the last try passes them on to check_manifest.
  * **check_manifest** reads the run's `manifest.json`: the scene present and not failed, failed tiles within the
    threshold, every output (raster, and quicklook and STAC Item when listed) present with its recorded SHA-256.
    A failed check is not retried.
  * **publish** marks the scene done (`<state_dir>/done/<scene>.json`: run, model, output, SHA-256, quicklook,
    STAC Item) and emits a `tileinfer-predictions` asset event of its own.
  * **set_aside** runs when a task before it failed: once the scene failed in a way of its own (run_batch and
    check_manifest count those DAG runs in `<state_dir>/failures/`) in `max_scene_failures` DAG runs, it sets the
    scene aside in `rejected/`.

Defaults of the params come from the environment: `TILEINFER_CONFIG`, `TILEINFER_SCENES`, `TILEINFER_STATE_DIR`.
What runs is set by the environment only, never by a param (whoever may trigger the DAG must not choose a command):
`TILEINFER_CMD` (the tileinfer command), `TILEINFER_JAR` (the tileinfer-spark job jar), `TILEINFER_SPARK_SUBMIT` and `TILEINFER_SPARK_ARGS` (for
the spark-submit runner). `TILEINFER_SCHEDULE` (cron or preset, `none` for manual runs only),
`TILEINFER_RETRY_DELAY_SECONDS` (base of the back-off) and `TILEINFER_PARALLEL_SCENES` are read when the DAG is
parsed.
"""
from __future__ import annotations

import os
import shlex
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from airflow.sdk import Asset, Param, TriggerRule, dag, get_current_context, task, task_group
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

# The helpers live beside this file; Airflow does not always put the DAG folder (or bundle) on sys.path.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from tileinfer_airflow import pipeline  # noqa: E402
from tileinfer_airflow.pipeline import PermanentError, Scene, TransientError  # noqa: E402

DAG_ID = "tileinfer_batch"

# Defaults: the repository this file lives in (orchestration/airflow/dags/), unless the environment says otherwise
# (in the Docker image the CLI is on the PATH and the data lives under /data, /models and /runs).
_REPO = next((p for p in Path(__file__).resolve().parents
              if (p / "tileinfer").is_file() and (p / "pom.xml").is_file()), Path("/nonexistent"))


def _env(name: str, in_repo: str, otherwise: str) -> str:
    return os.environ.get(name) or (in_repo if _REPO.is_dir() else otherwise)


TILEINFER_CMD = _env("TILEINFER_CMD", str(_REPO / "tileinfer"), "tileinfer")
CONFIG = _env("TILEINFER_CONFIG", str(_REPO / "configs" / "pipeline.yaml"), "/config/pipeline.yaml")
SCENES = _env("TILEINFER_SCENES", str(_REPO / "data" / "inbox"), "/data/inbox")
STATE_DIR = _env("TILEINFER_STATE_DIR", str(_REPO / "runs" / "airflow"), "/runs/airflow")
JAR = _env("TILEINFER_JAR", str(_REPO / "tileinfer-spark" / "target" / "tileinfer-spark-job.jar"),
           "/opt/tileinfer/tileinfer-spark-job.jar")
_schedule = os.environ.get("TILEINFER_SCHEDULE", "@hourly")
SCHEDULE = None if _schedule.lower() in ("", "none") else _schedule
RETRY_DELAY = timedelta(seconds=pipeline.seconds("TILEINFER_RETRY_DELAY_SECONDS",
                                                 os.environ.get("TILEINFER_RETRY_DELAY_SECONDS", "60")))
# One batch at a time by default: a batch uses every core of its worker (or a Spark application of its own).
PARALLEL_SCENES = pipeline.positive_integer("TILEINFER_PARALLEL_SCENES",
                                            os.environ.get("TILEINFER_PARALLEL_SCENES", "1"))

PREDICTIONS = Asset(name="tileinfer-predictions", uri="file:///tileinfer/predictions")

DEFAULT_ARGS = {
    "owner": "tileinfer",
    "retries": 2,
    "retry_delay": RETRY_DELAY,
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
}

PARAMS = {
    "config": Param(CONFIG, type="string", description="Base pipeline configuration (its scenes are replaced)."),
    "model": Param(None, type=["null", "string"],
                   description="Model version id or alias (default: the configuration's model, else production)."),
    "scenes": Param(SCENES, type="string", description="Inbox directory, or STAC catalog (path or URL)."),
    "state_dir": Param(STATE_DIR, type="string", description="Run configurations and done/rejected markers."),
    "max_scenes": Param(0, type="integer", minimum=0, description="Scenes per run at most (0: all new ones)."),
    "on_invalid": Param("fail", enum=["fail", "skip"],
                        description="fail: the run fails on any invalid scene; skip: set them aside in rejected/."),
    "runner": Param("local", enum=["local", "spark-submit"], description="How tileinfer batch is started."),
    "workers": Param(None, type=["null", "integer"], minimum=1, description="Worker threads (batch --workers)."),
    "spark_master": Param("local[*]", type="string", description="spark-submit --master (runner spark-submit)."),
    "retry_failed_tiles": Param(True, type="boolean",
                                description="A batch that finished with failed tiles or scenes is run again on "
                                            "run_batch's retries, computing only those again; the last try's "
                                            "result goes to the manifest check."),
    "max_failed_tile_fraction": Param(0.01, type="number", minimum=0, maximum=1,
                                      description="Failed tiles / computed tiles of a scene above this keep it "
                                                  "unpublished."),
    # 0 by default: an outage (the store, the object store) fails every scene alike, and would set them all aside
    "max_scene_failures": Param(0, type="integer", minimum=0,
                                description="A scene whose batch or manifest check failed in this many DAG runs is "
                                            "set aside in rejected/ (0: never)."),
}


@contextmanager
def _airflow_errors():
    """PermanentError: fail now, no retry. TransientError: an ordinary failure, retried with back-off."""
    try:
        yield
    except PermanentError as e:
        raise AirflowFailException(str(e)) from e
    except TransientError as e:
        raise AirflowException(str(e)) from e


def _params() -> dict:
    return get_current_context()["params"]


def _model(p: dict, settings: dict) -> str:
    if p["model"]:
        return p["model"]
    model = settings.get("model")
    return "production" if model is None else str(model)  # "" goes on to tileinfer, which refuses it by its key


@contextmanager
def _counted(scene_id: str, kind: type[Exception]):
    """Counts the DAG run in the scene's failures when the step fails with ``kind``: a failure of the scene's own
    (a crashed or killed batch, a failed manifest check), not one of a setting or command, which every scene meets."""
    try:
        yield
    except kind:
        pipeline.record_failure(scene_id, _params()["state_dir"], get_current_context()["run_id"])
        raise


def _label(scene_id: str) -> None:
    """Names the mapped task instance after its scene (``map_index_template``) in the UI and the logs."""
    get_current_context()["scene_id"] = scene_id


def _tileinfer() -> str:
    """The tileinfer command, from the environment of the worker (read when the task runs)."""
    return os.environ.get("TILEINFER_CMD") or TILEINFER_CMD


@dag(
    dag_id=DAG_ID,
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,  # two runs must not pick up the same new scenes
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    tags=["tileinfer", "batch"],
    doc_md=__doc__,
)
def tileinfer_batch():
    @task(retries=3)
    def discover() -> list[dict]:
        p = _params()
        with _airflow_errors():
            scenes = pipeline.discover(p["scenes"], p["state_dir"], p["max_scenes"],
                                       dag_run=get_current_context()["run_id"])
        if not scenes:
            raise AirflowSkipException(f"no new scenes in {p['scenes']}")
        print(f"{len(scenes)} new scenes: {', '.join(s.id for s in scenes)}")
        return [s.to_dict() for s in scenes]

    @task(retries=2)
    def validate(found: list[dict]) -> list[dict]:
        p = _params()
        scenes = [Scene.from_dict(d) for d in found]
        with _airflow_errors():
            settings = pipeline.base_settings(p["config"])
            outcome = pipeline.validate(_tileinfer(), scenes, registry=settings["registry"],
                                        model=_model(p, settings), crs=settings.get("crs"),
                                        skip_checks=pipeline.skipped_checks(p["config"], settings))
        if outcome.invalid:
            report = "; ".join(f"{s.id}: {' | '.join(issues)}" for s, issues in outcome.invalid)
            if p["on_invalid"] == "fail":
                raise AirflowFailException(f"{len(outcome.invalid)} of {len(scenes)} scenes are invalid "
                                           f"(a retry cannot fix this): {report}")
            run_id = get_current_context()["run_id"]
            for scene, issues in outcome.invalid:
                pipeline.reject(scene, issues, p["state_dir"], run_id)
            print(f"set aside in {p['state_dir']}/rejected: {report}")
        if not outcome.valid:
            raise AirflowSkipException("no valid scene to run")
        return [s.to_dict() for s in outcome.valid]

    @task(retries=1, map_index_template="{{ scene_id }}")
    def write_config(scene: dict) -> dict:
        p = _params()
        found = Scene.from_dict(scene)
        _label(found.id)
        with _airflow_errors():
            model = _model(p, pipeline.base_settings(p["config"]))
            path = pipeline.write_run_config(p["config"], found, model, p["state_dir"])
        print(f"run configuration of scene {found.id}: {path}")
        return {"config": path, "scene_id": found.id}

    # retries: the DAG's default, with back-off
    @task(execution_timeout=timedelta(hours=12), max_active_tis_per_dagrun=PARALLEL_SCENES,
          map_index_template="{{ scene_id }}")
    def run_batch(prepared: dict) -> dict:
        p = _params()
        _label(prepared["scene_id"])
        ti = get_current_context()["ti"]
        retries_left = ti.try_number <= ti.max_tries
        with _airflow_errors(), _counted(prepared["scene_id"], TransientError):
            argv = pipeline.batch_argv(
                runner=p["runner"], tileinfer=_tileinfer(), config=prepared["config"], workers=p["workers"],
                jar=os.environ.get("TILEINFER_JAR") or JAR,
                spark_submit=os.environ.get("TILEINFER_SPARK_SUBMIT") or "spark-submit",
                spark_master=pipeline.spark_master(p["spark_master"], os.environ.get("TILEINFER_SPARK_MASTERS"))
                if p["runner"] == "spark-submit" else "local[*]",
                spark_args=shlex.split(os.environ.get("TILEINFER_SPARK_ARGS", "")))
            return pipeline.run_batch(argv, retry_failures=p["retry_failed_tiles"] and retries_left)

    @task(retries=0, map_index_template="{{ scene_id }}")
    def check_manifest(prepared: dict, batch: dict) -> dict:
        p = _params()
        _label(prepared["scene_id"])
        with _airflow_errors(), _counted(prepared["scene_id"], PermanentError):
            summary = pipeline.check_manifest(batch["manifest"], [prepared["scene_id"]],
                                              max_failed_tile_fraction=p["max_failed_tile_fraction"],
                                              max_failed_scenes=0)
        counts = summary["counts"]
        print(f"run {summary['run_id']} {summary['status']}: {counts.get('done')} tiles done, "
              f"{counts.get('skipped')} skipped, {counts.get('failed')} failed")
        return summary

    @task(retries=3, outlets=[PREDICTIONS], map_index_template="{{ scene_id }}")
    def publish(scene: dict, summary: dict) -> list[str]:
        context = get_current_context()
        found = Scene.from_dict(scene)
        _label(found.id)
        published = pipeline.publish(summary, [found], context["params"]["state_dir"], context["run_id"])
        context["outlet_events"][PREDICTIONS].extra = {"run_id": summary["run_id"], "scenes": published,
                                                       "manifest": summary["manifest"]}
        print(f"published scene {found.id}: {summary['outputs'][found.id]['path']}")
        return published

    # Runs only when a task of the scene failed.
    @task(retries=2, trigger_rule=TriggerRule.ONE_FAILED, map_index_template="{{ scene_id }}")
    def set_aside(scene: dict) -> None:
        context = get_current_context()
        found = Scene.from_dict(scene)
        _label(found.id)
        p = context["params"]
        limit = p["max_scene_failures"]
        count = pipeline.limit_failures(found, p["state_dir"], context["run_id"], limit)
        if limit and count >= limit:
            print(f"scene {found.id} failed in {count} DAG runs: set aside in {p['state_dir']}/rejected")
        else:
            print(f"scene {found.id} failed in {count} DAG run(s) in a way of its own"
                  + (f" (max_scene_failures {limit})" if limit else "") + "; it comes back in the next DAG run")

    # One tileinfer run per scene: the instances of the group for one scene depend on each other only.
    @task_group(group_id="scene")
    def each_scene(scene: dict) -> None:
        prepared = write_config(scene)
        summary = check_manifest(prepared, run_batch(prepared))
        publish(scene, summary)
        summary >> set_aside(scene)

    each_scene.expand(scene=validate(discover()))


tileinfer_batch()
