-- The web page reads the runs in pages, newest first: ranges of this index read backwards, each page one range
-- however many runs there are. run_id in byte order ("C"), as SQLite compares text, so both stores page alike.
CREATE INDEX runs_by_start ON runs (started_at, run_id COLLATE "C");
