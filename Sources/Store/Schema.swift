/// Berth's database schema, as the list of migrations that builds it. Append new versions; never edit
/// or reorder a released one (databases in the field have already run it).
public enum Schema {
    public static let migrations: [Migration] = [
        // Server configuration: the `config` map of LXD's `GET/PUT/PATCH /1.0`.
        Migration(
            version: 1, name: "create_config",
            sql: """
                CREATE TABLE config (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                ) STRICT;
                """),
        // Durable operations (issue 4): an operation is a row before its 202 leaves the server; its work
        // is a `jobs` row until it is final. Times are nanoseconds since the Unix epoch. JSON columns hold
        // the exact values served on the wire.
        Migration(
            version: 2, name: "create_operations",
            sql: """
                CREATE TABLE operations (
                    id TEXT PRIMARY KEY,
                    seq INTEGER NOT NULL UNIQUE,
                    class TEXT NOT NULL,
                    type TEXT NOT NULL,
                    description TEXT NOT NULL,
                    project TEXT NOT NULL,
                    status_code INTEGER NOT NULL,
                    resources TEXT NOT NULL,
                    metadata TEXT NOT NULL,
                    may_cancel INTEGER NOT NULL,
                    err TEXT NOT NULL,
                    err_code INTEGER NOT NULL,
                    requestor TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    finished_at INTEGER
                ) STRICT;
                CREATE INDEX operations_by_status ON operations (status_code, seq);
                CREATE INDEX operations_by_finish ON operations (finished_at) WHERE finished_at IS NOT NULL;

                CREATE TABLE jobs (
                    operation_id TEXT PRIMARY KEY REFERENCES operations (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL UNIQUE,
                    queue_key TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    step_index INTEGER NOT NULL,
                    step_started INTEGER NOT NULL,
                    step_deadline INTEGER,
                    lease_owner TEXT,
                    lease_expires INTEGER
                ) STRICT;

                CREATE TABLE operation_log (
                    id INTEGER PRIMARY KEY,
                    operation_id TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
                    time INTEGER NOT NULL,
                    level TEXT NOT NULL,
                    message TEXT NOT NULL
                ) STRICT;
                CREATE INDEX operation_log_by_operation ON operation_log (operation_id, id);

                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    type TEXT NOT NULL,
                    project TEXT,
                    timestamp INTEGER NOT NULL,
                    body TEXT NOT NULL
                ) STRICT;
                CREATE INDEX events_by_time ON events (timestamp);

                CREATE TABLE idempotency_keys (
                    key TEXT PRIMARY KEY,
                    request_hash TEXT NOT NULL,
                    operation_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) STRICT;
                """),
        // Fewer b-trees written per operation (issue 4's throughput; every one is a page in each
        // commit): every status change rewrote an entry of a (status_code, seq) index, every event one
        // of a timestamp index, every job three b-trees. Only unfinished operations are looked up by
        // status often (recovery, `?status=running`); events are numbered in time order, so pruning
        // them by time walks the primary key; jobs are few and looked up by operation only.
        Migration(
            version: 3, name: "lighter_indexes",
            sql: """
                DROP INDEX operations_by_status;
                DROP INDEX events_by_time;
                CREATE INDEX operations_unfinished ON operations (seq) WHERE status_code < 200;

                CREATE TABLE jobs_v3 (
                    operation_id TEXT PRIMARY KEY REFERENCES operations (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    queue_key TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    step_index INTEGER NOT NULL,
                    step_started INTEGER NOT NULL,
                    step_deadline INTEGER,
                    lease_owner TEXT,
                    lease_expires INTEGER
                ) STRICT, WITHOUT ROWID;
                INSERT INTO jobs_v3 SELECT operation_id, seq, queue_key, payload, attempt, step_index,
                    step_started, step_deadline, lease_owner, lease_expires FROM jobs;
                DROP TABLE jobs;
                ALTER TABLE jobs_v3 RENAME TO jobs;
                """),
        // Images (issue 5). `properties` and `profiles` hold the JSON served on the wire; times are
        // nanoseconds since the Unix epoch, NULL where LXD shows Go's zero time.
        Migration(
            version: 4, name: "create_images",
            sql: """
                CREATE TABLE images (
                    fingerprint TEXT PRIMARY KEY,
                    type TEXT NOT NULL,
                    filename TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    architecture TEXT NOT NULL,
                    public INTEGER NOT NULL,
                    auto_update INTEGER NOT NULL,
                    properties TEXT NOT NULL,
                    profiles TEXT NOT NULL,
                    created_at INTEGER,
                    uploaded_at INTEGER NOT NULL,
                    last_used_at INTEGER
                ) STRICT;

                CREATE TABLE image_aliases (
                    name TEXT PRIMARY KEY,
                    fingerprint TEXT NOT NULL REFERENCES images (fingerprint) ON DELETE CASCADE,
                    description TEXT NOT NULL,
                    type TEXT NOT NULL
                ) STRICT;
                CREATE INDEX image_aliases_by_image ON image_aliases (fingerprint);
                """),
        // Instances (issue 5). A row is `creating` from the request until its create operation has
        // made the container, so a crash in between is found and undone at start; JSON columns hold
        // what is served. The runtime status comes from the driver, not from here.
        Migration(
            version: 5, name: "create_instances",
            sql: """
                CREATE TABLE instances (
                    name TEXT PRIMARY KEY,
                    project TEXT NOT NULL,
                    type TEXT NOT NULL,
                    architecture TEXT NOT NULL,
                    description TEXT NOT NULL,
                    ephemeral INTEGER NOT NULL,
                    stateful INTEGER NOT NULL,
                    config TEXT NOT NULL,
                    devices TEXT NOT NULL,
                    profiles TEXT NOT NULL,
                    image_fingerprint TEXT,
                    created_at INTEGER NOT NULL,
                    last_used_at INTEGER,
                    phase TEXT NOT NULL
                ) STRICT;
                """),
        // Snapshots (issue 6): copies of an instance's writable fields at the moment of the snapshot.
        // A row is `creating` from the request until the driver's copy is complete, so a name is
        // taken at once (409) and a half-made snapshot is never listed. The foreign key makes an
        // instance's rename and delete carry its snapshots without the instance SQL knowing of them.
        Migration(
            version: 6, name: "create_instance_snapshots",
            sql: """
                CREATE TABLE instance_snapshots (
                    instance TEXT NOT NULL REFERENCES instances (name) ON UPDATE CASCADE ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    project TEXT NOT NULL,
                    description TEXT NOT NULL,
                    architecture TEXT NOT NULL,
                    ephemeral INTEGER NOT NULL,
                    stateful INTEGER NOT NULL,
                    config TEXT NOT NULL,
                    devices TEXT NOT NULL,
                    profiles TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    phase TEXT NOT NULL,
                    PRIMARY KEY (instance, name)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX instance_snapshots_expiring ON instance_snapshots (expires_at)
                    WHERE expires_at IS NOT NULL;
                """),
        // Trust (issue 7): the client certificates TLS callers are trusted by (LXD's trust store, by
        // SHA-256 fingerprint of the DER) and Berth's API tokens, which are kept only as a hash of their
        // secret: a copy of the database lets nobody in.
        Migration(
            version: 7, name: "create_trust",
            sql: """
                CREATE TABLE certificates (
                    fingerprint TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    restricted INTEGER NOT NULL,
                    projects TEXT NOT NULL,
                    certificate TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE api_tokens (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER
                ) STRICT, WITHOUT ROWID;
                """),
    ]

    /// The schema version this build writes and the highest it can open.
    public static var latestVersion: Int { migrations.last?.version ?? 0 }
}
