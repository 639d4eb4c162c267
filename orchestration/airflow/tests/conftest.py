"""Fixtures for the DAG's tests: real Airflow (a SQLite metadata database in a temporary AIRFLOW_HOME), the real
tileinfer CLI, the real sample imagery and a model trained by ``tileinfer train``. Everything is written under
pytest's temporary directories.

Environment:
    TILEINFER_TEST_CMD   the tileinfer command to test (default: java -jar tileinfer-cli/target/tileinfer.jar, the
                         jar that ./mvnw verify built, with the JDK of JAVA_HOME; else the ./tileinfer launcher)
    TILEINFER_SAMPLE     the sample imagery (default: <repo>/data/sample, made by scripts/fetch-sample-data)
"""
from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
DAGS = REPO / "orchestration" / "airflow" / "dags"
DAG_ID = "tileinfer_batch"
LANDSAT = "landsat8-LC80200392015216"
MODEL_BANDS = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B9", "B10", "B11"]

sys.path.insert(0, str(DAGS))


def tileinfer_cmd() -> str:
    """The jar that ./mvnw verify built, run directly: the ./tileinfer launcher would rebuild it in the middle of a
    test whenever a source file is newer (someone editing the tree), and such a build is no part of the test."""
    if os.environ.get("TILEINFER_TEST_CMD"):
        return os.environ["TILEINFER_TEST_CMD"]
    jar = REPO / "tileinfer-cli" / "target" / "tileinfer.jar"
    if not jar.is_file():
        return str(REPO / "tileinfer")  # builds the jar on first use
    java = Path(os.environ["JAVA_HOME"]) / "bin" / "java" if os.environ.get("JAVA_HOME") else Path("java")
    return shlex.join([str(java), "--enable-native-access=ALL-UNNAMED", "-jar", str(jar)])


@pytest.fixture(scope="session")
def sample() -> Path:
    path = Path(os.environ.get("TILEINFER_SAMPLE") or REPO / "data" / "sample")
    if not (path / LANDSAT / "B1.tif").is_file():
        pytest.fail(f"{path}: no sample imagery; run scripts/fetch-sample-data first")
    return path


@pytest.fixture(scope="session")
def registry(tmp_path_factory) -> Path:
    """A registry whose `production` model is the reference cloud mask, trained by the real CLI."""
    models = tmp_path_factory.mktemp("registry") / "models"
    run([*shlex.split(tileinfer_cmd()), "train", "--config", str(REPO / "configs" / "train.yaml"),
         "--registry", str(models), "--alias", "production"], timeout=600)
    return models


@pytest.fixture
def base_config(tmp_path, registry) -> Path:
    """configs/pipeline.yaml with its registry and output moved to temporary directories."""
    doc = yaml.safe_load((REPO / "configs" / "pipeline.yaml").read_text())
    doc["registry"] = str(registry)
    doc["output"] = str(tmp_path / "runs")
    path = tmp_path / "pipeline.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def landsat_scene_dir(sample: Path, parent: Path, name: str = "LC80200392015216") -> Path:
    """A scene as it lands in an inbox: the model's bands as <band>.tif and the MTL.txt (links to the sample)."""
    scene = parent / name
    scene.mkdir(parents=True)
    for band in MODEL_BANDS + ["MTL"]:
        file = f"{band}.txt" if band == "MTL" else f"{band}.tif"
        (scene / file).symlink_to(sample / LANDSAT / file)
    return scene


def multiband_tiff_without_a_time(sample: Path, target: Path) -> Path:
    """The model's bands of the sample scene in one GeoTIFF that says no acquisition time (no TIFFTAG_DATETIME, no
    MTL.txt beside it): invalid unless the acquisition-time check is skipped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    vrt = target.with_name(f".{target.stem}.vrt")
    run(["gdalbuildvrt", "-q", "-separate", str(vrt), *(str(sample / LANDSAT / f"{b}.tif") for b in MODEL_BANDS)])
    run(["gdal_translate", "-q", str(vrt), str(target)])
    vrt.unlink()
    return target


def scene_with_a_corrupt_block(sample: Path, parent: Path, name: str) -> Path:
    """A scene whose B4 is a tiled DEFLATE copy with its last block overwritten: its structure is sound, so
    validation passes, while that block does not decompress, so the tiles over the scene's lower right corner fail
    to read, every time."""
    scene = landsat_scene_dir(sample, parent, name)
    b4 = scene / "B4.tif"
    b4.unlink()
    run(["gdal_translate", "-q", "-of", "COG", "-co", "BLOCKSIZE=256", "-co", "COMPRESS=DEFLATE",
         "-co", "OVERVIEWS=NONE", str(sample / LANDSAT / "B4.tif"), str(b4)])
    data = bytearray(b4.read_bytes())
    # The COG driver writes the blocks in row order, each with its size in the 4 bytes before it and its last 4
    # bytes again after it (GDAL's block leader and trailer): the last block ends 4 bytes before the file does,
    # and starts with a zlib header (0x78), which is what is overwritten.
    end = len(data) - 4
    start = next(end - size for size in range(1, end)
                 if int.from_bytes(data[end - size - 4:end - size], "little") == size and data[end - size] == 0x78)
    data[start:start + 64] = b"\xa5" * 64
    b4.write_bytes(bytes(data))
    checksum = subprocess.run(["gdalinfo", "-checksum", str(b4)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    assert "Checksum=-1" in checksum.stdout or checksum.returncode != 0, checksum.stdout  # GDAL cannot read it
    return scene


@dataclass
class DagRun:
    returncode: int
    output: str
    run_id: str


@dataclass
class Airflow:
    home: Path
    env: dict[str, str]

    def dags_test(self, logical_date: str, conf: dict, env: dict | None = None, timeout: float = 600) -> DagRun:
        """``airflow dags test`` of the DAG: the real scheduler loop, in one process, against the real CLI."""
        proc = subprocess.run([airflow_bin(), "dags", "test", DAG_ID, logical_date, "--conf", json.dumps(conf)],
                              env={**self.env, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout)
        log = self.home / f"dags-test-{len(list(self.home.glob('dags-test-*')))}.log"
        log.write_text(proc.stdout)
        with self.db() as db:
            run_id = db.execute("SELECT run_id FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1",
                                (DAG_ID,)).fetchone()[0]
        print(f"airflow dags test {logical_date}: exit {proc.returncode}, output in {log}")
        return DagRun(proc.returncode, proc.stdout, run_id)

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.home / "airflow.db")

    def task_states(self, run_id: str) -> dict[str, tuple[str, int]]:
        """Task instance -> (state, try_number) of a DAG run. A task instance is named by its task id, followed for
        a mapped one by its label in brackets (the scene's id: ``scene.run_batch[LC80200392015216]``). An instance
        that never ran has no label of its own: it takes the one of its scene's other tasks (same map index)."""
        with self.db() as db:
            rows = db.execute("SELECT task_id, map_index, rendered_map_index, state, try_number FROM task_instance "
                              "WHERE dag_id = ? AND run_id = ?", (DAG_ID, run_id)).fetchall()
        labels = {index: label for _, index, label, _, _ in rows if label}
        return {task if index < 0 else f"{task}[{labels.get(index, index)}]": (state, tries)
                for task, index, _, state, tries in rows}

    def history(self, run_id: str, task_id: str, map_index: int = -1) -> list[tuple[int, str]]:
        """(try_number, state) of the earlier tries of a task instance, kept by Airflow when it retries."""
        with self.db() as db:
            return db.execute("SELECT try_number, state FROM task_instance_history WHERE dag_id = ? AND run_id = ? "
                              "AND task_id = ? AND map_index = ? ORDER BY try_number",
                              (DAG_ID, run_id, task_id, map_index)).fetchall()

    def asset_events(self, run_id: str) -> list[dict]:
        """The ``extra`` of each asset event a DAG run emitted, in the order of their map index."""
        with self.db() as db:
            rows = db.execute("SELECT extra FROM asset_event WHERE source_dag_id = ? AND source_run_id = ? "
                              "ORDER BY source_map_index", (DAG_ID, run_id)).fetchall()
        return [json.loads(extra) for (extra,) in rows]

    def dag_run_state(self, run_id: str) -> str:
        with self.db() as db:
            return db.execute("SELECT state FROM dag_run WHERE dag_id = ? AND run_id = ?",
                              (DAG_ID, run_id)).fetchone()[0]


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


@pytest.fixture(scope="session")
def airflow(tmp_path_factory) -> Airflow:
    """A fresh Airflow: its own AIRFLOW_HOME with a migrated SQLite metadata database, our DAG folder, no examples,
    and a 1 s retry delay (the DAG reads TILEINFER_RETRY_DELAY_SECONDS when parsed) so retries happen quickly."""
    home = tmp_path_factory.mktemp("airflow-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "TILEINFER_RETRY_DELAY_SECONDS": "1",
        "TILEINFER_SCHEDULE": "none",
        "TILEINFER_CMD": tileinfer_cmd(),
    })
    run([airflow_bin(), "db", "migrate"], env=env, timeout=300)
    return Airflow(home, env)


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 300) -> str:
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{shlex.join(argv)} failed with exit code {proc.returncode}:\n{proc.stdout[-4000:]}")
    return proc.stdout


def results_rows(db: Path) -> list[tuple[str, str, str]]:
    """(run_id, tile_id, status) of every tile row of a tileinfer SQLite result store."""
    with sqlite3.connect(db) as c:
        return c.execute("SELECT run_id, tile_id, status FROM tile_results ORDER BY run_id, tile_id").fetchall()
