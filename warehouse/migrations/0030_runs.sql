-- Run records: what ran when, how it ended, and what each source gave.
CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,
    flow        VARCHAR NOT NULL,
    flow_run_id VARCHAR,
    host        VARCHAR NOT NULL,
    pid         INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,
    message     VARCHAR,
    task_runner VARCHAR,
    params      JSON,
    summary     JSON
);
COMMENT ON TABLE runs IS 'One row per run of a flow (daily, weekly, backfill, reclassify)';
COMMENT ON COLUMN runs.run_id IS 'Run id (uuid); provenance columns elsewhere point here';
COMMENT ON COLUMN runs.flow IS 'daily, weekly, backfill or reclassify';
COMMENT ON COLUMN runs.flow_run_id IS 'Prefect flow run id, to find the run and its logs in the Prefect UI';
COMMENT ON COLUMN runs.host IS 'Machine the flow ran on';
COMMENT ON COLUMN runs.pid IS 'Process id of the flow, to tell a running run from a killed one';
COMMENT ON COLUMN runs.started_at IS 'When the run started (UTC)';
COMMENT ON COLUMN runs.finished_at IS 'When the run ended (UTC); NULL while running or when killed';
COMMENT ON COLUMN runs.status IS 'running, completed, completed_with_errors, failed, or interrupted (killed before it could finish)';
COMMENT ON COLUMN runs.message IS 'Why a run ended with errors or failed';
COMMENT ON COLUMN runs.task_runner IS 'local, or dask with the scheduler address';
COMMENT ON COLUMN runs.params IS 'Parameters the run was started with';
COMMENT ON COLUMN runs.summary IS 'Counts the run produced (documents, signals, alerts, weeks)';

CREATE TABLE source_runs (
    run_id      VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    since       TIMESTAMP,
    status      VARCHAR NOT NULL,
    staged      INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    new         INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    message     VARCHAR,
    PRIMARY KEY (run_id, source)
);
COMMENT ON TABLE source_runs IS 'One row per source per daily run: how its crawl and load went';
COMMENT ON COLUMN source_runs.run_id IS 'The run (runs.run_id)';
COMMENT ON COLUMN source_runs.source IS 'Registry name of the source';
COMMENT ON COLUMN source_runs.started_at IS 'When the crawl started (UTC); the next crawl asks for items since then';
COMMENT ON COLUMN source_runs.finished_at IS 'When the crawl and load of this source ended (UTC)';
COMMENT ON COLUMN source_runs.since IS 'The crawl asked for items published since this time; NULL = all the source offers';
COMMENT ON COLUMN source_runs.status IS 'ok, partial (stored items but some requests failed) or failed (nothing stored)';
COMMENT ON COLUMN source_runs.staged IS 'Items the crawl fetched and staged: the volume that health checks watch';
COMMENT ON COLUMN source_runs.errors IS 'Failed requests and parse errors of the crawl';
COMMENT ON COLUMN source_runs.new IS 'Documents stored for the first time';
COMMENT ON COLUMN source_runs.changed IS 'Stored documents whose content changed';
COMMENT ON COLUMN source_runs.unchanged IS 'Items already stored as they are';
COMMENT ON COLUMN source_runs.message IS 'Last error, if any';

CREATE TABLE run_weeks (
    run_id  VARCHAR NOT NULL,
    week    VARCHAR NOT NULL,
    step    VARCHAR NOT NULL,
    lang    VARCHAR NOT NULL,
    done_at TIMESTAMP NOT NULL,
    detail  VARCHAR,
    PRIMARY KEY (run_id, week, step, lang)
);
COMMENT ON TABLE run_weeks IS 'Weekly work a run did: which digests it built and sent';
COMMENT ON COLUMN run_weeks.run_id IS 'The run (runs.run_id)';
COMMENT ON COLUMN run_weeks.week IS 'ISO week, e.g. 2026-W47';
COMMENT ON COLUMN run_weeks.step IS 'digest (written to the digests folder) or sent (mailed to subscribers)';
COMMENT ON COLUMN run_weeks.lang IS 'Language of the digest';
COMMENT ON COLUMN run_weeks.done_at IS 'When the step finished (UTC)';
COMMENT ON COLUMN run_weeks.detail IS 'Where the digest was written, or how many were sent';

CREATE TABLE staged_loads (
    path      VARCHAR PRIMARY KEY,
    source    VARCHAR NOT NULL,
    bytes     BIGINT NOT NULL,
    run_id    VARCHAR,
    loaded_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE staged_loads IS 'Staged files already loaded, and how much of each: a file a killed run left unloaded is loaded by the next run';
COMMENT ON COLUMN staged_loads.path IS 'Staged file, relative to the staging folder: <day>/<source>.jsonl';
COMMENT ON COLUMN staged_loads.source IS 'Registry name of the source';
COMMENT ON COLUMN staged_loads.bytes IS 'Size of the file when it was loaded; a file that grew since is loaded again';
COMMENT ON COLUMN staged_loads.run_id IS 'Run that loaded it (runs.run_id); NULL for a manual load';
COMMENT ON COLUMN staged_loads.loaded_at IS 'When it was loaded (UTC)';
