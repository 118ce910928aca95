-- 20_store.sql - the store's tables (src/store.c, src/segment.c).
--
-- A stored artifact is its column list (store_column) plus, per column, a
-- run of segments (store_segment) each pointing at a content-addressed
-- chunk (eg.chunk: the serialised segment as one zstd frame with a content
-- checksum, after the chunk's key, the SHA-256 of the uncompressed bytes;
-- src/segment_chunk.c has the format).  Chunks are shared by every segment
-- with the same content; a chunk lives while some segment references it
-- (freed by store_drop / store_sweep, see store.c for the protocol).
--
-- Closed to ordinary roles: no GRANT.  Only eg's C code reads and writes
-- these tables, as the extension owner.  They are a cache of in-memory
-- datum images tied to this cluster's type oids and architecture, so they
-- are deliberately not registered with pg_extension_config_dump.

CREATE TABLE chunk (
    hash         bytea PRIMARY KEY CHECK (length(hash) = 32),
    raw_bytes    bigint NOT NULL CHECK (raw_bytes > 0),     -- uncompressed segment
    stored_bytes bigint NOT NULL CHECK (stored_bytes > 0),  -- length(data)
    data         bytea          -- key, then one zstd frame; NULL: in chunk_data
);
-- already compressed: keep TOAST from compressing it again
ALTER TABLE chunk ALTER COLUMN data SET STORAGE EXTERNAL;

-- On a Citus coordinator, eg.distribute_store() makes chunk_data a
-- distributed table hashed on the chunk key and moves every chunk's bytes
-- here, so they spread over the workers; eg.chunk keeps each chunk's key
-- and sizes (the budget's accounting and the locks of store.c's protocol)
-- with data NULL.  Empty on one server (src/citus.c).
CREATE TABLE chunk_data (
    hash         bytea PRIMARY KEY CHECK (length(hash) = 32),
    raw_bytes    bigint NOT NULL CHECK (raw_bytes > 0),
    data         bytea NOT NULL
);
ALTER TABLE chunk_data ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE store_artifact (
    artifact     artifact_id PRIMARY KEY,
    nrows        bigint NOT NULL CHECK (nrows >= 0),
    ncolumns     integer NOT NULL CHECK (ncolumns >= 0),
    raw_bytes    bigint NOT NULL DEFAULT 0,   -- serialised, uncompressed
    stored_bytes bigint NOT NULL DEFAULT 0,   -- its distinct chunks, compressed
    stored_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE store_column (
    artifact artifact_id NOT NULL
             REFERENCES store_artifact ON DELETE CASCADE,
    attnum   integer NOT NULL CHECK (attnum > 0),     -- 1..ncolumns
    name     name NOT NULL,
    typid    oid NOT NULL,
    typmod   integer NOT NULL,
    collid   oid NOT NULL,
    typesig  bytea NOT NULL,                          -- segment_type_signature
    PRIMARY KEY (artifact, attnum)
);

CREATE TABLE store_segment (
    artifact  artifact_id NOT NULL,
    attnum    integer NOT NULL,
    first_row bigint NOT NULL CHECK (first_row >= 0),
    nrows     integer NOT NULL CHECK (nrows > 0),
    chunk     bytea NOT NULL REFERENCES chunk (hash),
    PRIMARY KEY (artifact, attnum, first_row),
    FOREIGN KEY (artifact, attnum)
        REFERENCES store_column (artifact, attnum) ON DELETE CASCADE
);
-- "is this chunk still referenced?" for store_drop and store_sweep
CREATE INDEX store_segment_chunk_idx ON store_segment (chunk);

-- Stores in progress (src/store_async.c): with eg.store_async, a run hands
-- its tables to a background worker and commits with a row per artifact
-- here; the worker deletes them when it has stored (or decided not to
-- store) them.  A run that needs one of these artifacts waits for the
-- worker (pid) instead of computing it again, at most as long as
-- computing it took (seconds).  Rows of a worker that died are ignored.
CREATE TABLE store_job (
    artifact artifact_id NOT NULL,
    pid      integer NOT NULL,
    seconds  double precision NOT NULL,
    queued   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_job_artifact ON store_job (artifact);
