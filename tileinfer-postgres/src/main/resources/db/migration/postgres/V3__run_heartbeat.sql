-- The last time the process running a run said it was alive: a row that says "running" of a run whose process was
-- killed, crashed or lost with its machine is told apart by a heartbeat older than a few minutes.
ALTER TABLE runs ADD COLUMN heartbeat_at TIMESTAMPTZ;
