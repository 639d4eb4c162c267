-- The result store's tables, as the embedded SQLite store has them, with PostgreSQL's types.
-- Rows are keyed by run and tile (or scene): writers upsert, so a retried or concurrent write never duplicates.

CREATE TABLE runs (
  run_id        TEXT PRIMARY KEY,
  config_path   TEXT NOT NULL,
  config_sha256 TEXT NOT NULL,
  model_version TEXT NOT NULL,
  started_at    TIMESTAMPTZ NOT NULL,
  finished_at   TIMESTAMPTZ,
  status        TEXT NOT NULL,
  manifest      TEXT
);

CREATE TABLE scenes (
  run_id        TEXT NOT NULL,
  scene_id      TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('DONE', 'PARTIAL', 'FAILED')),
  error         TEXT,
  tiles         INTEGER NOT NULL,
  output        TEXT,
  output_sha256 TEXT,
  PRIMARY KEY (run_id, scene_id)
);

CREATE TABLE tile_results (
  run_id          TEXT NOT NULL,
  tile_id         TEXT NOT NULL,
  scene_id        TEXT NOT NULL,
  tile_index      INTEGER NOT NULL,
  x               INTEGER NOT NULL,
  y               INTEGER NOT NULL,
  width           INTEGER NOT NULL,
  height          INTEGER NOT NULL,
  min_x           DOUBLE PRECISION NOT NULL,
  min_y           DOUBLE PRECISION NOT NULL,
  max_x           DOUBLE PRECISION NOT NULL,
  max_y           DOUBLE PRECISION NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('DONE', 'SKIPPED', 'FAILED')),
  error           TEXT,
  cause           TEXT,
  attempts        INTEGER NOT NULL,
  -- json, not jsonb: keeps the classes in the model card's order
  class_fractions JSON,
  latency_ms      DOUBLE PRECISION NOT NULL,
  input_sha256    TEXT,
  model_version   TEXT NOT NULL,
  recorded_at     TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (run_id, tile_id)
);

CREATE INDEX tile_results_scene ON tile_results (run_id, scene_id);
