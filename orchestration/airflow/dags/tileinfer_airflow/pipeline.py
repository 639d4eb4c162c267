"""The steps of the tileinfer batch DAG as plain functions; ``tileinfer_batch.py`` wires them into Airflow tasks.

Nothing here imports Airflow: a step either returns, raises :class:`PermanentError` (a retry cannot fix it:
validation problems, a bad configuration, failures above the threshold) or raises :class:`TransientError`
(a retry may fix it: the CLI crashed or was killed, a file system or network hiccup). The DAG maps the first
to ``AirflowFailException`` (no retry) and the second to an ordinary failure (retried with back-off).

State kept under ``state_dir`` (a directory shared by every worker):

    configs/<scene>-<hash>.yaml a scene's run configuration: the base configuration with the scenes replaced by
                                this one. The same scene, settings and model always give the same file, byte for
                                byte, and so the same tileinfer run id: a retried or re-run DAG run, or a later one
                                that finds the scene still unpublished, resumes that run.
    done/<scene id>.json        written by publish: the scene is finished and is never picked up again.
    rejected/<scene id>.json    written by validate when ``on_invalid`` is ``skip``: the scene failed
                                validation and is left out until the marker is removed; also written for a scene
                                that failed in ``max_scene_failures`` DAG runs, and by discover for scenes whose
                                names give one id (``shared_with`` names the other sources).
    failures/<scene id>.json    the DAG runs in which the scene failed in a way of its own (batch crashed, manifest
                                check failed), until it is published or set aside.
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import math
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

log = logging.getLogger(__name__)

# The CLI's documented exit codes (README: "Exit codes").
EXIT_OK, EXIT_INTERNAL, EXIT_CONFIG, EXIT_FAILURES, EXIT_INVALID = 0, 1, 2, 3, 4
# A shell's (POSIX): a command found but not executable, a command not found, e.g. spark-submit's launcher without
# java. The machine needs fixing, not another attempt: like EXIT_CONFIG, they fail the task at once.
EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND = 126, 127
NOT_RETRIED = (EXIT_CONFIG, EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND)

SCENE_ID = re.compile(r"[A-Za-z0-9._-]+")
TIFF = re.compile(r"(?i).*\.tiff?$")
# A file name that ends in a band token, as the archives name their files (LC08_..._T1_B2.TIF, T18SVG_..._B8A.tif,
# b2.tif), is that band (B2, B8A): the CLI's rule (SceneArguments).
BAND_SUFFIX = re.compile(r"(?i)(?:.*_)?(B\d{1,2}A?|BQA)")
SPARK_JOB_CLASS = "io.tileinfer.spark.SparkBatchJob"  # in the tileinfer-spark job jar


class PermanentError(Exception):
    """A failure that a retry cannot fix."""


class TransientError(Exception):
    """A failure that a retry may fix."""


@dataclass(frozen=True)
class Scene:
    """A scene found by discovery: its id, what ``tileinfer validate`` is given, and its configuration entry."""

    id: str
    source: str
    entry: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "Scene":
        return Scene(d["id"], d["source"], d["entry"])


def positive_integer(name: str, value: str) -> int:
    """A setting that must be a whole number ≥ 1 (0 would let no task run and hold the DAG run for good)."""
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name} is {value!r}, expected an integer ≥ 1")
    return number


def seconds(name: str, value: str) -> float:
    """A setting that must be a finite number of seconds ≥ 0 (a negative or NaN back-off is no back-off)."""
    try:
        number = float(value.strip())
    except ValueError:
        number = float("nan")
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{name} is {value!r}, expected a number of seconds ≥ 0")
    return number


# --------------------------------------------------------------------------------------------------------- discovery

def is_url(location: str) -> bool:
    return "://" in location


def scene_id(name: str) -> str:
    """A scene id the CLI accepts (letters, digits, '.', '_', '-'), made from a file or item name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._") or "scene"
    return cleaned


def discover(source: str, state_dir: str | os.PathLike, limit: int = 0, dag_run: str | None = None) -> list[Scene]:
    """New scenes at ``source``: an inbox directory or a STAC catalog (a local file or an http(s) URL).

    Scenes already published (``done/``) or rejected (``rejected/``) are left out, with a warning if the marker was
    written for another source; scenes whose names give one id are set aside (see ``set_aside_shared_ids``). The
    result is sorted by id so that the same inbox always gives the same run configuration. ``limit`` > 0 takes the
    first ``limit``.
    """
    if not source:
        raise PermanentError("no scene source given: set the 'scenes' param (an inbox directory or a STAC catalog)")
    if is_url(source) or source.lower().endswith(".json"):
        found = stac_catalog_scenes(source)
    else:
        path = Path(source)
        if not path.is_dir():
            raise TransientError(f"{source}: the scene inbox does not exist or is not a directory")
        found = inbox_scenes(path)
    unmarked = [scene for scene in found if not finished(scene, state_dir)]
    new = sorted(set_aside_shared_ids(unmarked, state_dir, dag_run), key=lambda s: s.id)
    if limit and limit > 0:
        new = new[:limit]
    return new


def finished(scene: Scene, state_dir: str | os.PathLike) -> bool:
    """Whether the scene's id has a done or rejected marker. One written for another source leaves the scene out
    too, with a warning each DAG run: the id and its marker are another scene's (a new scene whose name gives the
    same id), or the same scene's from an inbox or catalog that moved; running it would write over that scene's
    marker in the first case, and compute every published scene again in the second."""
    marker = finished_marker(state_dir, scene.id)
    if marker is None:
        return False
    path, record = marker
    sources = marker_sources(record)
    if sources and scene.source not in sources:
        log.warning("%s: left out: its scene id %s is that of %s, which %s marks; expected a scene id of its own: "
                    "rename it to run it, or remove the marker to run it in that scene's stead (nothing to do if it "
                    "is that scene, moved)", scene.source, scene.id, " and ".join(sorted(sources)), path)
    return True


def finished_marker(state_dir: str | os.PathLike, scene_id: str) -> tuple[Path, dict[str, Any]] | None:
    """The scene id's done or rejected marker and its record ({} when it cannot be read), None when it has none."""
    for kind in ("done", "rejected"):
        path = Path(state_dir) / kind / f"{scene_id}.json"
        if path.is_file():
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                record = {}
            return path, record if isinstance(record, dict) else {}
    return None


def marker_sources(record: dict[str, Any]) -> set[str]:
    """The sources a marker was written for: its scene's, and those sharing the id when it was set aside for that
    (none for a marker that names no source: it marks whatever source has the id)."""
    shared = record.get("shared_with")
    return {s for s in [record.get("source"), *(shared if isinstance(shared, list) else [])] if isinstance(s, str)}


def set_aside_shared_ids(scenes: list[Scene], state_dir: str | os.PathLike, dag_run: str | None) -> list[Scene]:
    """The scenes whose id no other of ``scenes`` has. Scenes whose names give one id (``foo bar.tif`` and
    ``foo_bar.tif``, ``X.tif`` beside its STAC Item ``X.json``) cannot each have their run and markers: they are
    set aside together in ``rejected/<id>.json``, which names every source, and the other scenes go on."""
    by_id: dict[str, list[Scene]] = {}
    for scene in scenes:
        by_id.setdefault(scene.id, []).append(scene)
    unique = []
    for sid, sharing in by_id.items():
        if len(sharing) == 1:
            unique.append(sharing[0])
            continue
        sources = [scene.source for scene in sharing]
        issue = (f"scene id {sid} is given by {len(sources)} sources: {' and '.join(sources)}; expected one source "
                 "an id (a file or directory name, or a STAC Item's id, with characters other than letters, digits, "
                 "'.', '_' and '-' made '_'): rename or remove all but one, then remove this file")
        log.warning("set aside in rejected/: %s", issue)
        reject(sharing[0], [issue], state_dir, dag_run, shared_with=sources[1:])
    return unique


def inbox_scenes(inbox: Path) -> list[Scene]:
    """Each entry of the inbox is a scene: a directory of single-band GeoTIFFs named by band (``B4.tif``, or an
    archive's ``..._B4.TIF``), a
    multi-band GeoTIFF/COG, or a STAC Item (``.json``). Names starting with '.' or '_' are skipped, so that a
    scene being copied in can be written under such a name and renamed when complete."""
    scenes = []
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        location = os.path.abspath(entry)
        if entry.is_dir():
            bands: dict[str, str] = {}
            twice = []
            files = [f for f in entry.iterdir() if f.is_file() and TIFF.match(f.name)]
            for f in sorted(files, key=lambda f: (natural(band_name(f)), f.name)):
                if band_name(f) in bands:
                    twice.append(f"{Path(bands[band_name(f)]).name} and {f.name} are both band {band_name(f)}")
                bands.setdefault(band_name(f), os.path.abspath(f))
            if twice:  # the other scenes go on; this one is taken once a file of each pair is gone
                log.warning("%s: not a scene while %s (one file a band expected)", entry, "; ".join(twice))
                continue
            if not bands:
                log.warning("%s: no GeoTIFF in this directory, not a scene (yet)", entry)
                continue
            sid = scene_id(entry.name)
            scenes.append(Scene(sid, location, {"id": sid, "bands": bands}))
        elif TIFF.match(entry.name):
            sid = scene_id(entry.name.rsplit(".", 1)[0])
            scenes.append(Scene(sid, location, {"id": sid, "file": location}))
        elif entry.name.lower().endswith(".json"):
            item = read_json(location)
            if item.get("type") != "Feature":
                log.warning("%s: not a STAC Item (type %r), skipped", entry, item.get("type"))
                continue
            sid = scene_id(str(item.get("id") or entry.name[:-5]))
            scenes.append(Scene(sid, location, {"id": sid, "stac": location}))
        else:
            log.warning("%s: ignored: not a directory, GeoTIFF or STAC Item (or a dangling link)", entry)
    return scenes


def stac_catalog_scenes(location: str, max_depth: int = 8) -> list[Scene]:
    """Every Item reachable from a STAC Catalog or Collection through ``child`` and ``item`` links."""
    scenes: list[Scene] = []
    visited: set[str] = set()

    def walk(where: str, depth: int) -> None:
        if where in visited:
            return
        visited.add(where)
        doc = read_json(where)
        kind = doc.get("type")
        if kind == "Feature":
            sid = scene_id(str(doc.get("id") or Path(urllib.parse.urlparse(where).path).stem))
            scenes.append(Scene(sid, where, {"id": sid, "stac": where}))
            return
        if kind not in ("Catalog", "Collection"):
            raise PermanentError(f"{where}: expected a STAC Catalog, Collection or Item, found type {kind!r}")
        if depth >= max_depth:
            raise PermanentError(f"{where}: STAC catalog nested deeper than {max_depth} levels")
        for link in doc.get("links", []):
            if link.get("rel") in ("child", "item") and link.get("href"):
                walk(resolve_href(where, link["href"]), depth + 1)

    walk(location if is_url(location) else str(Path(location).resolve()), 0)
    return scenes


def resolve_href(base: str, href: str) -> str:
    if is_url(href) or href.startswith("/"):
        return href
    if is_url(base):
        return urllib.parse.urljoin(base, href)
    return str((Path(base).parent / href).resolve())


def read_json(location: str, timeout: float = 30) -> dict[str, Any]:
    try:
        if is_url(location):
            with urllib.request.urlopen(location, timeout=timeout) as response:
                raw = response.read()
        else:
            raw = Path(location).read_bytes()
    except urllib.error.HTTPError as e:
        if 400 <= e.code < 500 and e.code not in (408, 429):
            raise PermanentError(f"{location}: HTTP {e.code} {e.reason}") from e
        raise TransientError(f"{location}: HTTP {e.code} {e.reason}") from e
    except FileNotFoundError as e:
        raise PermanentError(f"{location}: no such file") from e
    except OSError as e:  # URLError, time-outs, I/O errors
        raise TransientError(f"{location}: cannot read: {e}") from e
    try:
        doc = json.loads(raw)
    except ValueError as e:
        raise PermanentError(f"{location}: not valid JSON: {e}") from e
    if not isinstance(doc, dict):
        raise PermanentError(f"{location}: expected a JSON object")
    return doc


def band_name(file: Path) -> str:
    stem = file.name.rsplit(".", 1)[0]
    band = BAND_SUFFIX.fullmatch(stem)
    return band.group(1).upper() if band else stem


def natural(name: str) -> list:
    """B2 before B10, as the CLI orders a directory's bands."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


# ------------------------------------------------------------------------------------------------ the tileinfer CLI

@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr_tail: list[str]


def run_cli(argv: list[str], *, cwd: str | None = None, timeout: float | None = None,
            env: dict[str, str] | None = None) -> CliResult:
    """Runs a command, logging stderr (the CLI's JSON log lines) and stdout as they come; stdout is also returned.

    The command runs in its own process group, so that stopping it reaches what it starts too. No orphaned JVM
    keeps writing after Airflow gave up on the attempt: the group is stopped when this function is interrupted
    (a time-out, an exception), when this process gets SIGTERM (Airflow stops a task so, then SIGKILLs it 5 s
    later, and its process group does not include the command's), and, on Linux, the command is SIGKILLed when
    this process dies without a word (``killed_when_parent_dies``).
    """
    log.info("running: %s", shlex.join(argv))
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, bufsize=1, preexec_fn=killed_when_parent_dies(os.getpid()))
    except (FileNotFoundError, PermissionError) as e:  # what a shell reports as exit 127 or 126
        what = "command not found" if isinstance(e, FileNotFoundError) else "not executable"
        raise PermanentError(f"{argv[0]}: {what} ({e.strerror}): install it or give its path "
                             "(a retry cannot fix this)") from e
    out: list[str] = []
    tail: list[str] = []

    def pump(stream, sink, keep):
        for line in stream:
            sink.append(line)
            if keep is not None:
                keep.append(line.rstrip("\n"))
                del keep[:-40]
            log.info("%s", line.rstrip("\n"))

    threads = [threading.Thread(target=pump, args=(proc.stdout, out, None), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, [], tail), daemon=True)]
    for t in threads:
        t.start()
    try:
        # PR_SET_PDEATHSIG fires when the thread that started the command ends: this one, which waits here for the
        # command to end, so the signal comes only if the whole process dies first
        with stopped_on_sigterm(proc):
            deadline = None if timeout is None else time.monotonic() + timeout
            while proc.poll() is None:
                if deadline is not None and time.monotonic() > deadline:
                    raise TransientError(f"{argv[0]}: still running after {timeout:.0f} s, stopped")
                time.sleep(0.2)
    except BaseException:
        kill_group(proc)
        raise
    for t in threads:
        t.join(timeout=10)
    return CliResult(proc.returncode, "".join(out), tail)


def _libc_prctl():
    """libc's prctl(2), looked up once here: the child between fork and exec should do as little as it can."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


_PRCTL = _libc_prctl()
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def killed_when_parent_dies(parent_pid: int):
    """A ``preexec_fn`` that asks Linux to SIGKILL the command when this process dies without a word (SIGKILL, the
    OOM killer): no orphaned JVM writes on. SIGKILL, not SIGTERM: the kernel sends the death signal again as each
    thread of a dying process goes (seen: two or three SIGTERMs), and a second SIGTERM is the CLI's "halt at once";
    killed, the CLI has committed every finished batch, and the next attempt resumes the run. Kept across exec, not
    passed to the command's own children: a launcher must exec its JVM, as ./tileinfer and spark-submit do. Does
    nothing where there is no prctl."""
    def in_child() -> None:
        if _PRCTL is None:
            return
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before the request was made: no signal will come
            os._exit(128 + int(signal.SIGKILL))

    return in_child


@contextmanager
def stopped_on_sigterm(proc: subprocess.Popen):
    """While the command runs, SIGTERM to this process first stops the command's process group (SIGTERM, so that
    the CLI finishes its batches in flight and marks its run stopped; SIGKILL if it is still there after 20 s),
    then goes to the handler there was before (Airflow's, which runs the operator's on_kill; or the default, which
    ends this process). Only the main thread may set a handler; an ignored SIGTERM stays ignored."""
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or not (
            callable(previous) or previous == signal.SIG_DFL):
        yield
        return

    def stop_command_then_previous(signum, frame):
        signal.signal(signal.SIGTERM, previous)  # a second SIGTERM goes straight to the previous handler
        log.warning("SIGTERM: stopping %s (process group %d) before this process stops", proc.args[0], proc.pid)
        kill_group(proc)
        if callable(previous):
            previous(signum, frame)
        else:
            os.kill(os.getpid(), signal.SIGTERM)  # the default handler, restored above: ends this process

    signal.signal(signal.SIGTERM, stop_command_then_previous)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGTERM) is stop_command_then_previous:
            signal.signal(signal.SIGTERM, previous)


def kill_group(proc: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM to the command's process group, SIGKILL if the command has not exited ``grace`` s later."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        if exits_within(proc.pid, grace):
            break
    proc.poll()  # reaps it, unless the main thread is doing so: then that thread will


def exits_within(pid: int, seconds: float) -> bool:
    """Whether the child ``pid`` exits within ``seconds``. Leaves it to be reaped by its Popen (WNOWAIT), and takes
    no lock of the Popen's: a signal handler may call this while the interrupted thread holds one in poll()."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:  # already reaped
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def describe_exit(argv: list[str], result: CliResult) -> str:
    code = result.returncode
    what = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
    if code in (EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND):
        cause = "is not executable" if code == EXIT_NOT_EXECUTABLE else "was not found"
        what += f" (a command it runs {cause}: check {argv[0]} and what it starts, e.g. java; a retry cannot fix this)"
    last = usage_error(result.stderr_tail) or next((line for line in reversed(result.stderr_tail) if line.strip()), "")
    return f"{shlex.join(argv[:3])} ... failed with {what}" + (f": {last}" if last else "")


def usage_error(stderr: list[str]) -> str | None:
    """A refused command line's message: the line before the usage that the CLI prints after it (picocli's
    "Invalid value for option '--skip' (CHECK): ..."), which would otherwise be the last line."""
    for before, line in zip(stderr, stderr[1:]):
        if line.startswith("Usage: ") and before.strip():
            return before
    return None


def tileinfer_argv(command: str) -> list[str]:
    """The tileinfer command as an argv prefix: a path, or words such as ``java -jar tileinfer.jar``."""
    argv = shlex.split(command)
    if not argv:
        raise PermanentError("the tileinfer command is empty")
    return argv


# ------------------------------------------------------------------------------------------------------ validation

@dataclass
class Validation:
    valid: list[Scene]
    invalid: list[tuple[Scene, list[str]]]


def validate(tileinfer: str, scenes: list[Scene], *, registry: str, model: str, crs: str | None,
             skip_checks: Iterable[str] = (), timeout: float | None = None) -> Validation:
    """``tileinfer validate --json`` over every scene, against the model's bands and data type and the CRS, without
    the checks in ``skip_checks`` (a configuration's ``checks.skip``: what plan and batch leave out too)."""
    argv = tileinfer_argv(tileinfer) + ["validate", "--json", "--registry", registry, "--model", model]
    if crs:
        argv += ["--crs", crs]
    for check in skip_checks:
        argv += ["--skip", check]
    argv += [s.source for s in scenes]
    result = run_cli(argv, timeout=timeout)
    if result.returncode in NOT_RETRIED:
        raise PermanentError(describe_exit(argv, result))
    if result.returncode not in (EXIT_OK, EXIT_INVALID):
        raise TransientError(describe_exit(argv, result))
    try:
        report = json.loads(result.stdout)
    except ValueError as e:
        raise TransientError(f"tileinfer validate --json printed no JSON report: {e}") from e
    if len(report) != len(scenes):
        raise PermanentError(f"tileinfer validate reported {len(report)} scenes for {len(scenes)} given")
    # "reachable": the network did not deliver a file (timeout, host unreachable, transfer cut). The scene may well
    # be valid: the task is retried, the scene neither failed nor rejected for good.
    unreached = [issue_message(i) for e in report for i in e.get("issues", [])
                 if isinstance(i, dict) and i.get("check") == "reachable"]
    if unreached:
        raise TransientError("tileinfer validate could not reach every file: " + "; ".join(unreached))
    outcome = Validation([], [])
    for scene, entry in zip(scenes, report):
        if entry.get("valid"):
            outcome.valid.append(scene)
        else:
            issues = [issue_message(i) for i in entry.get("issues", [])] or ["invalid (no detail given)"]
            outcome.invalid.append((scene, issues))
    if result.returncode == EXIT_OK and outcome.invalid:
        raise PermanentError("tileinfer validate exited 0 but reported invalid scenes")
    return outcome


def skipped_checks(config_path: str, settings: dict[str, Any]) -> list[str]:
    """The base configuration's ``checks.skip``; the CLI refuses a name it does not know, as batch does."""
    checks = settings.get("checks")
    if checks is None:
        return []
    if not isinstance(checks, dict):
        raise PermanentError(f"{config_path}: checks is {checks!r}, expected a mapping: checks: {{skip: [...]}}")
    skip = checks.get("skip", [])
    if not isinstance(skip, list) or not all(isinstance(check, str) for check in skip):
        raise PermanentError(f"{config_path}: checks.skip is {skip!r}, expected a list of check names, e.g. "
                             "[acquisition-time]")
    return skip


def issue_message(issue: Any) -> str:
    if isinstance(issue, dict):
        if {"file", "check", "found", "expected"} <= issue.keys():
            return f"{issue['file']}: {issue['check']}: found {issue['found']}, expected {issue['expected']}"
        if "message" in issue:
            return str(issue["message"])
    return str(issue)


# ------------------------------------------------------------------------------------------------- configurations

class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses a key given twice, as the CLI does (PyYAML would keep the last)."""


def _mapping_without_repeats(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"key {key!r} given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats)


def base_settings(config_path: str) -> dict[str, Any]:
    """The base configuration with its paths made absolute (they are relative to the file that names them)."""
    path = Path(config_path).resolve()
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except FileNotFoundError as e:
        raise PermanentError(f"{config_path}: no such configuration file") from e
    except yaml.YAMLError as e:  # one line, as the CLI says it: where, then what
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise PermanentError(f"{config_path}: not valid YAML: {where}{getattr(e, 'problem', None) or e}") from e
    if not isinstance(doc, dict):
        raise PermanentError(f"{config_path}: expected a mapping (a pipeline configuration)")
    base = path.parent
    settings = {k: v for k, v in doc.items() if k != "scenes"}
    settings["registry"] = str((base / str(doc.get("registry", "models"))).resolve())
    output = str(doc.get("output", "runs"))
    # an s3:// output stays a URL (tileinfer uploads to it); paths are relative to the base configuration
    settings["output"] = output if "://" in output else str((base / output).resolve())
    if isinstance(doc.get("staging"), str):
        settings["staging"] = str((base / doc["staging"]).resolve())
    store = doc.get("store")
    if isinstance(store, dict) and isinstance(store.get("url"), str) and store["url"].startswith("jdbc:sqlite:"):
        db = store["url"][len("jdbc:sqlite:"):]
        if db and not db.startswith((":", "/", "file:")):
            settings["store"] = {**store, "url": "jdbc:sqlite:" + str((base / db).resolve())}
    return settings


def write_run_config(config_path: str, scene: Scene, model: str, state_dir: str | os.PathLike) -> str:
    """Writes the run configuration of one scene and returns its path.

    The name and bytes follow only from the base configuration, the model and the scene (no time stamp, no DAG
    run id, no other scene), so the same inputs always give the same file, hence the same tileinfer run id, hence
    resume.
    """
    settings = base_settings(config_path)
    settings["model"] = model
    # the settings and model too: one name, one text (a retried DAG run must not find another model's file there)
    key = hashlib.sha256(json.dumps({"settings": settings, "scenes": [scene.entry]}, sort_keys=True,
                                    default=str).encode()).hexdigest()[:12]
    text = ("# Written by the tileinfer_batch Airflow DAG from " + str(Path(config_path).resolve()) + ".\n"
            "# Do not edit: the run id follows from these bytes (re-running the DAG run resumes this run).\n"
            + yaml.safe_dump({**settings, "scenes": [scene.entry]}, sort_keys=False, default_flow_style=False))
    # the scene's id names the file, hence the run (cut to keep file names short; the hash tells runs apart)
    target = Path(state_dir) / "configs" / f"{scene.id[:64]}-{key}.yaml"
    write_atomically(target, text)
    return str(target)


def write_atomically(target: Path, text: str) -> None:
    """Writes ``text`` unless the file already holds it; readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix="." + target.name + ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------------------- batch

def batch_argv(*, runner: str, tileinfer: str, config: str, workers: int | None = None, jar: str | None = None,
               spark_submit: str = "spark-submit", spark_master: str = "local[*]",
               spark_args: Iterable[str] = ()) -> list[str]:
    """The batch command line, run locally or as the driver of a Spark application."""
    if runner == "local":
        return tileinfer_argv(tileinfer) + ["batch", "--config", config] + (
            ["--workers", str(workers)] if workers else [])
    if runner == "spark-submit":
        if not jar:
            raise PermanentError("runner spark-submit needs the tileinfer-spark job jar (TILEINFER_JAR)")
        # Spark's executors are the workers: their number and cores come from spark_args, not --workers.
        return [spark_submit, "--master", spark_master, "--deploy-mode", "client",
                "--name", "tileinfer-" + Path(config).stem, "--class", SPARK_JOB_CLASS,
                "--conf", "spark.driver.extraJavaOptions=--enable-native-access=ALL-UNNAMED",
                "--conf", "spark.executor.extraJavaOptions=--enable-native-access=ALL-UNNAMED",
                *spark_args, jar, "--config", config]
    raise PermanentError(f"unknown runner {runner!r}, expected local or spark-submit")


def spark_master(requested: str, allowed: str | None) -> str:
    """The ``spark_master`` param if the deployment allows it: one of ``TILEINFER_SPARK_MASTERS`` (comma-separated),
    or, when that is not set, a ``local`` master: whoever may trigger the DAG runs the job on the deployment's
    clusters only. (The ``config``, ``scenes`` and ``state_dir`` params still choose what the worker reads and
    writes: triggering is as trusted as running tileinfer on the worker.)"""
    masters = [m.strip() for m in (allowed or "").split(",") if m.strip()]
    if requested in masters or (not masters and (requested == "local" or requested.startswith("local["))):
        return requested
    raise PermanentError(f"spark_master {requested!r} is not a master this deployment allows: "
                         + (f"TILEINFER_SPARK_MASTERS is {', '.join(masters)}" if masters
                            else "set TILEINFER_SPARK_MASTERS to the ones it may use (only local masters without it)"))


def run_batch(argv: list[str], timeout: float | None = None, retry_failures: bool = False) -> dict[str, Any]:
    """Runs the batch; returns the manifest path and exit code. Exit 3 (finished with failed tiles or scenes) is a
    TransientError when ``retry_failures`` is set, since running the same batch again computes exactly those again
    (a resume keeps every finished tile); otherwise it is no error here: the manifest check decides against the
    thresholds."""
    result = run_cli(argv, timeout=timeout)
    if result.returncode in NOT_RETRIED:
        raise PermanentError(describe_exit(argv, result))
    if result.returncode == EXIT_FAILURES and retry_failures:
        raise TransientError(describe_exit(argv, result) + "; run again, the batch computes only the failed tiles "
                             "and scenes again")
    if result.returncode not in (EXIT_OK, EXIT_FAILURES):
        raise TransientError(describe_exit(argv, result))
    manifests = [line[len("manifest: "):].strip() for line in result.stdout.splitlines()
                 if line.startswith("manifest: ")]
    if not manifests:
        raise TransientError("tileinfer batch finished but printed no 'manifest: PATH' line")
    return {"manifest": manifests[-1], "exit_code": result.returncode}


# ------------------------------------------------------------------------------------------------ manifest check

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# The files a run writes beside a scene's raster, by their key in the manifest's scene entry.
DERIVED_FILES = {"quicklook": "quicklook", "stac_item": "STAC Item"}


def listed_file_problem(run_dir: Path, entry: dict, what: str, scene_id: Any) -> str | None:
    """Why a file the manifest lists is not as listed (missing, or bytes other than its SHA-256); None when it is."""
    file = run_dir / entry["path"]
    if not file.is_file():
        return f"{file}: {what} of scene {scene_id} is missing"
    if sha256_file(file) != entry.get("sha256"):
        return f"{file}: SHA-256 differs from the manifest's {entry.get('sha256')}"
    return None


def check_manifest(manifest_path: str, expected_ids: list[str], *, max_failed_tile_fraction: float,
                   max_failed_scenes: int) -> dict[str, Any]:
    """Checks a run's manifest: every expected scene is there, failures are within the thresholds, and every
    output (each scene's raster and, when listed, its quicklook and STAC Item) exists with the SHA-256 the manifest records.
    Returns a summary; raises PermanentError otherwise."""
    path = Path(manifest_path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise PermanentError(f"{path}: the manifest does not exist") from e
    except ValueError as e:
        raise PermanentError(f"{path}: not valid JSON: {e}") from e
    problems = []
    counts = manifest.get("counts") or {}
    scenes = manifest.get("scenes") or []
    ids = sorted(s.get("id") for s in scenes)
    if ids != sorted(expected_ids):
        problems.append(f"scenes {ids} in the manifest, expected {sorted(expected_ids)}")
    if counts.get("scenes") != len(scenes):
        problems.append(f"counts.scenes is {counts.get('scenes')} for {len(scenes)} scene entries")
    done, failed = int(counts.get("done", 0)), int(counts.get("failed", 0))
    computed = done + failed
    fraction = failed / computed if computed else 0.0
    if fraction > max_failed_tile_fraction:
        problems.append(f"{failed} of {computed} tiles failed ({fraction:.2%}), above the threshold of "
                        f"{max_failed_tile_fraction:.2%}; failures by cause: {manifest.get('failures_by_cause')}")
    scenes_failed = int(counts.get("scenes_failed", 0))
    if scenes_failed > max_failed_scenes:
        failed_ids = [s.get("id") for s in scenes if s.get("status") == "FAILED"]
        problems.append(f"{scenes_failed} scenes failed ({', '.join(map(str, failed_ids))}), above the threshold "
                        f"of {max_failed_scenes}")
    run_dir = path.parent
    outputs = {}
    for scene in scenes:
        output = scene.get("output")
        if scene.get("status") == "FAILED":
            continue
        if not output:
            problems.append(f"scene {scene.get('id')} is {scene.get('status')} but has no output")
            continue
        problem = listed_file_problem(run_dir, output, "output", scene.get("id"))
        if problem:
            problems.append(problem)
        else:
            outputs[scene["id"]] = {"path": str(run_dir / output["path"]), "sha256": output["sha256"],
                                    "status": scene.get("status")}
        # the quicklook PNG and the STAC Item, when the run could write them: listed, so there as listed
        for key, what in DERIVED_FILES.items():
            entry = scene.get(key)
            if not entry:
                continue
            problem = listed_file_problem(run_dir, entry, what, scene.get("id"))
            if problem:
                problems.append(problem)
            elif scene["id"] in outputs:
                outputs[scene["id"]][key] = str(run_dir / entry["path"])
    if problems:
        raise PermanentError(f"{path}: " + "; ".join(problems))
    return {"manifest": str(path), "run_id": manifest.get("run_id"), "status": manifest.get("status"),
            "model": (manifest.get("model") or {}).get("version"), "counts": counts,
            "failed_tile_fraction": fraction, "outputs": outputs}


# -------------------------------------------------------------------------------------------------------- publish

def publish(summary: dict[str, Any], scenes: list[Scene], state_dir: str | os.PathLike,
            dag_run: str) -> list[str]:
    """Marks every scene with an output as done (``done/<id>.json``: run, model, output and its SHA-256, and the
    quicklook's and the STAC Item's paths, each null when the run wrote none).
    Scenes that failed are not marked and are picked up again by the next DAG run. Rewriting a marker with the
    same content changes nothing, so re-running publish is harmless."""
    by_id = {s.id: s for s in scenes}
    published = []
    for sid, output in sorted(summary["outputs"].items()):
        scene = by_id.get(sid)
        record = {"scene": sid, "source": scene.source if scene else None, "run_id": summary["run_id"],
                  "model": summary["model"], "manifest": summary["manifest"], "output": output["path"],
                  "sha256": output["sha256"], "quicklook": output.get("quicklook"), "stac_item": output.get("stac_item"), "status": output["status"],
                  "dag_run": dag_run}
        write_atomically(Path(state_dir) / "done" / f"{sid}.json", json.dumps(record, indent=2) + "\n")
        (Path(state_dir) / "failures" / f"{sid}.json").unlink(missing_ok=True)  # its earlier failures are over
        published.append(sid)
    return published


def record_failure(scene_id: str, state_dir: str | os.PathLike, dag_run: str) -> int:
    """Adds a DAG run in which the scene failed in a way of its own (its batch crashed or was killed, its manifest
    check failed; not a setting or command that fails every scene alike) to ``failures/<id>.json``, once however
    often the task is retried, and returns the count. A scene already set aside is left as it is."""
    if (Path(state_dir) / "rejected" / f"{scene_id}.json").exists():
        return 0
    runs = failed_runs(scene_id, state_dir)
    if dag_run not in runs:
        runs.append(dag_run)
    write_atomically(Path(state_dir) / "failures" / f"{scene_id}.json",
                     json.dumps({"scene": scene_id, "dag_runs": runs}, indent=2) + "\n")
    return len(runs)


def failed_runs(scene_id: str, state_dir: str | os.PathLike) -> list[str]:
    """The DAG runs ``record_failure`` counted for the scene (none when its file is missing or not such a count)."""
    path = Path(state_dir) / "failures" / f"{scene_id}.json"
    if not path.is_file():
        return []
    try:
        runs = json.loads(path.read_text(encoding="utf-8")).get("dag_runs")
    except (ValueError, AttributeError):
        runs = None
    if not isinstance(runs, list) or not all(isinstance(r, str) for r in runs):
        log.warning("%s: not a failure count (expected {\"dag_runs\": [...]}), counting again from 0", path)
        return []
    return runs


def limit_failures(scene: Scene, state_dir: str | os.PathLike, dag_run: str, limit: int) -> int:
    """Sets the scene aside in ``rejected/``, as an invalid one is, once it failed in ``limit`` DAG runs (0: never),
    so that a scene that fails for good is not computed again every DAG run; returns its count."""
    runs = failed_runs(scene.id, state_dir)
    if limit and len(runs) >= limit:
        reject(scene, [f"it failed in {len(runs)} DAG runs ({', '.join(runs)}), max_scene_failures is {limit}; "
                       "remove this file to try it again"], state_dir, dag_run)
    return len(runs)


def reject(scene: Scene, issues: list[str], state_dir: str | os.PathLike, dag_run: str | None,
           shared_with: list[str] | None = None) -> None:
    """Sets the scene aside until the marker is removed; its failure count starts again from 0 then. ``shared_with``:
    the other sources that give its id, set aside with it."""
    record = {"scene": scene.id, "source": scene.source, "issues": issues, "dag_run": dag_run}
    if shared_with:
        record["shared_with"] = shared_with
    write_atomically(Path(state_dir) / "rejected" / f"{scene.id}.json", json.dumps(record, indent=2) + "\n")
    (Path(state_dir) / "failures" / f"{scene.id}.json").unlink(missing_ok=True)
