import Storage

/// One versioned schema change. Applied migrations must never change: add a new one.
struct SQLiteMigration: Sendable {
    var version: Int
    var name: String
    var sql: String

    /// FNV-1a 64 of the SQL text, stored when applied and compared on every later run.
    var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

enum SQLiteMigrations {
    static let all: [SQLiteMigration] = [
        SQLiteMigration(version: 1, name: "cameras, crossings and counting results", sql: """
            CREATE TABLE cameras (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                source TEXT NOT NULL,
                geometry TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE TABLE crossing_events (
                id TEXT PRIMARY KEY,
                camera_id TEXT NOT NULL REFERENCES cameras(id),
                line TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                track_id INTEGER NOT NULL,
                time_ms INTEGER NOT NULL
            );
            CREATE INDEX crossing_events_camera_time ON crossing_events (camera_id, time_ms);
            CREATE TABLE counting_results (
                camera_id TEXT NOT NULL REFERENCES cameras(id),
                kind TEXT NOT NULL CHECK (kind IN ('line', 'zone')),
                name TEXT NOT NULL,
                minute INTEGER NOT NULL,
                count_in INTEGER NOT NULL,
                count_out INTEGER NOT NULL,
                occupancy_min INTEGER NOT NULL,
                occupancy_max INTEGER NOT NULL,
                occupancy_sum REAL NOT NULL,
                occupancy_samples INTEGER NOT NULL,
                PRIMARY KEY (camera_id, minute, kind, name)
            ) WITHOUT ROWID;
            """),
        SQLiteMigration(version: 2, name: "camera events", sql: """
            CREATE TABLE camera_events (
                camera_id TEXT NOT NULL REFERENCES cameras(id),
                time_ms INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('connecting', 'online', 'stalled', 'offline', 'failed')),
                reason TEXT
            );
            CREATE INDEX camera_events_camera_time ON camera_events (camera_id, time_ms);
            """),
        SQLiteMigration(version: 3, name: "tenants, sites, users, credentials, audit trail and versioned geometry", sql: """
            CREATE TABLE tenants (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL
            );
            INSERT INTO tenants (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Default');

            -- The tables of version 2 are keyed by camera id alone: each is rebuilt keyed by
            -- tenant, its rows copied into the default tenant.
            ALTER TABLE camera_events RENAME TO camera_events_v2;
            ALTER TABLE counting_results RENAME TO counting_results_v2;
            ALTER TABLE crossing_events RENAME TO crossing_events_v2;
            ALTER TABLE cameras RENAME TO cameras_v2;
            DROP INDEX crossing_events_camera_time;
            DROP INDEX camera_events_camera_time;

            CREATE TABLE sites (
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                id TEXT NOT NULL,
                name TEXT NOT NULL,
                time_zone TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id)
            ) WITHOUT ROWID;

            -- A deleted camera keeps its row (deleted = 1) so that its counts keep their camera
            -- and its id can be used again.
            CREATE TABLE cameras (
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                id TEXT NOT NULL,
                name TEXT NOT NULL,
                source TEXT NOT NULL,
                geometry TEXT NOT NULL,
                geometry_version INTEGER NOT NULL DEFAULT 1,
                site_id TEXT,
                detector TEXT NOT NULL DEFAULT 'motion',
                analysis_rate REAL,
                enabled INTEGER NOT NULL DEFAULT 1,
                deleted INTEGER NOT NULL DEFAULT 0,
                updated_at REAL NOT NULL,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id)
            ) WITHOUT ROWID;
            CREATE INDEX cameras_site ON cameras (tenant_id, site_id);
            -- Camera ids are unique in the whole file: live numbers are kept by camera id.
            CREATE UNIQUE INDEX cameras_id ON cameras (id);

            CREATE TABLE geometry_versions (
                tenant_id TEXT NOT NULL,
                camera_id TEXT NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1),
                geometry TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, camera_id, version),
                FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
            ) WITHOUT ROWID;

            CREATE TABLE crossing_events (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                camera_id TEXT NOT NULL,
                line TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                track_id INTEGER NOT NULL,
                time_ms INTEGER NOT NULL,
                geometry_version INTEGER NOT NULL DEFAULT 1,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
            );

            CREATE TABLE counting_results (
                tenant_id TEXT NOT NULL,
                camera_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('line', 'zone')),
                name TEXT NOT NULL,
                minute INTEGER NOT NULL,
                count_in INTEGER NOT NULL,
                count_out INTEGER NOT NULL,
                occupancy_min INTEGER NOT NULL,
                occupancy_max INTEGER NOT NULL,
                occupancy_sum REAL NOT NULL,
                occupancy_samples INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, camera_id, minute, kind, name),
                FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
            ) WITHOUT ROWID;

            CREATE TABLE camera_events (
                tenant_id TEXT NOT NULL,
                camera_id TEXT NOT NULL,
                time_ms INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('connecting', 'online', 'stalled', 'offline', 'failed')),
                reason TEXT,
                FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
            );

            INSERT INTO cameras (tenant_id, id, name, source, geometry, updated_at)
                SELECT '00000000-0000-4000-8000-000000000001', id, name, source, geometry, updated_at FROM cameras_v2;
            INSERT INTO geometry_versions (tenant_id, camera_id, version, geometry, created_ms)
                SELECT '00000000-0000-4000-8000-000000000001', id, 1, geometry, CAST(updated_at * 1000 AS INTEGER)
                FROM cameras_v2;
            INSERT INTO crossing_events (tenant_id, id, camera_id, line, direction, track_id, time_ms)
                SELECT '00000000-0000-4000-8000-000000000001', id, camera_id, line, direction, track_id, time_ms
                FROM crossing_events_v2;
            INSERT INTO counting_results (tenant_id, camera_id, kind, name, minute, count_in, count_out,
                    occupancy_min, occupancy_max, occupancy_sum, occupancy_samples)
                SELECT '00000000-0000-4000-8000-000000000001', camera_id, kind, name, minute, count_in, count_out,
                    occupancy_min, occupancy_max, occupancy_sum, occupancy_samples
                FROM counting_results_v2;
            INSERT INTO camera_events (tenant_id, camera_id, time_ms, status, reason)
                SELECT '00000000-0000-4000-8000-000000000001', camera_id, time_ms, status, reason
                FROM camera_events_v2 ORDER BY rowid;
            DROP TABLE camera_events_v2;
            DROP TABLE counting_results_v2;
            DROP TABLE crossing_events_v2;
            DROP TABLE cameras_v2;
            CREATE INDEX crossing_events_camera_time ON crossing_events (tenant_id, camera_id, time_ms);
            CREATE INDEX camera_events_camera_time ON camera_events (tenant_id, camera_id, time_ms);

            -- Usernames are unique in the whole file, so signing in needs no tenant.
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
                sites TEXT NOT NULL DEFAULT '[]',
                created_ms INTEGER NOT NULL
            );
            CREATE INDEX users_tenant_username ON users (tenant_id, username);

            -- Sessions and API tokens: only the SHA-256 of the secret is kept.
            CREATE TABLE credentials (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('session', 'api-token')),
                name TEXT,
                token_hash BLOB NOT NULL UNIQUE,
                created_ms INTEGER NOT NULL,
                expires_ms INTEGER
            );
            CREATE INDEX credentials_user ON credentials (user_id, created_ms);
            CREATE INDEX credentials_expiry ON credentials (expires_ms) WHERE expires_ms IS NOT NULL;

            -- Append-only: a row is added with the change it records and never changed after.
            CREATE TABLE audit_logs (
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                time_ms INTEGER NOT NULL,
                user_id TEXT,
                username TEXT NOT NULL,
                address TEXT,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                before_json TEXT,
                after_json TEXT
            );
            CREATE INDEX audit_logs_tenant_time ON audit_logs (tenant_id, time_ms);
            CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs
            BEGIN
                SELECT RAISE(ABORT, 'the audit trail is append-only');
            END;
            CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs
            BEGIN
                SELECT RAISE(ABORT, 'the audit trail is append-only');
            END;
            """),
        SQLiteMigration(version: 4, name: "alert rules and alerts", sql: """
            CREATE TABLE alert_rules (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                enabled INTEGER NOT NULL,
                camera_id TEXT,
                site_id TEXT,
                settings TEXT NOT NULL
            );
            CREATE INDEX alert_rules_tenant ON alert_rules (tenant_id, name);

            -- An alert outlives its rule: deleting the rule resolves it and clears rule_id.
            CREATE TABLE alerts (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                rule_id TEXT,
                kind TEXT NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                subject TEXT NOT NULL,
                camera_id TEXT,
                site_id TEXT,
                message TEXT NOT NULL,
                value REAL,
                fired_ms INTEGER NOT NULL,
                acknowledged_ms INTEGER,
                acknowledged_by TEXT,
                resolved_ms INTEGER
            );
            CREATE INDEX alerts_tenant_fired ON alerts (tenant_id, fired_ms);
            -- One open alert per rule and subject, whoever tries to open a second.
            CREATE UNIQUE INDEX alerts_open ON alerts (tenant_id, rule_id, subject) WHERE resolved_ms IS NULL;
            """),
        SQLiteMigration(version: 5, name: "dwell times of zone visits", sql: """
            -- Seconds of each visit that ended in the minute, comma-separated.
            ALTER TABLE counting_results ADD COLUMN dwell TEXT NOT NULL DEFAULT '';
            """),
        SQLiteMigration(version: 6, name: "files", sql: """
            CREATE TABLE files (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'export', 'archive', 'model', 'report')),
                object_key TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size INTEGER NOT NULL CHECK (size >= 0),
                sha256 BLOB NOT NULL,
                site_id TEXT,
                created_ms INTEGER NOT NULL,
                expires_ms INTEGER
            );
            CREATE INDEX files_tenant_kind ON files (tenant_id, kind, created_ms);
            """),
        SQLiteMigration(version: 7, name: "erasing a user puts a pseudonym in the audit trail", sql: """
            -- Still append-only, except that erasing a user may put a pseudonym (erased-…) where
            -- their name was: in the name, a user:… target, or the before and after texts.
            DROP TRIGGER audit_logs_no_update;
            CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs
            WHEN NOT (NEW.tenant_id IS OLD.tenant_id AND NEW.time_ms IS OLD.time_ms AND NEW.user_id IS OLD.user_id
                AND NEW.address IS OLD.address AND NEW.action IS OLD.action
                AND (NEW.username IS OLD.username OR NEW.username LIKE 'erased-%')
                AND (NEW.target IS OLD.target OR NEW.target LIKE 'user:erased-%')
                AND (NEW.before_json IS OLD.before_json OR NEW.before_json LIKE '%"erased-%')
                AND (NEW.after_json IS OLD.after_json OR NEW.after_json LIKE '%"erased-%'))
            BEGIN
                SELECT RAISE(ABORT, 'the audit trail is append-only');
            END;
            """),
        SQLiteMigration(version: 8, name: "months restored from archives, kept from retention", sql: """
            CREATE TABLE kept_months (
                table_name TEXT NOT NULL,
                month TEXT NOT NULL,
                until_ms INTEGER NOT NULL,
                PRIMARY KEY (table_name, month)
            );
            """),
        SQLiteMigration(version: 9, name: "detection models and their figures per camera and minute", sql: """
            CREATE TABLE ai_models (
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                name TEXT NOT NULL,
                version TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('motion', 'hog', 'ssd', 'onnx')),
                detector TEXT NOT NULL,
                sha256 TEXT,
                input_width INTEGER,
                input_height INTEGER,
                classes TEXT NOT NULL,
                score_threshold REAL,
                licence TEXT,
                source TEXT,
                registered_ms INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, name, version)
            );
            CREATE TABLE model_logs (
                tenant_id TEXT NOT NULL,
                camera_id TEXT NOT NULL,
                model_name TEXT NOT NULL,
                model_version TEXT NOT NULL,
                minute INTEGER NOT NULL,
                frames INTEGER NOT NULL,
                regions INTEGER NOT NULL,
                detections INTEGER NOT NULL,
                errors INTEGER NOT NULL,
                mean_ms REAL NOT NULL,
                p99_ms REAL NOT NULL,
                last_error TEXT,
                PRIMARY KEY (tenant_id, camera_id, minute, model_name, model_version),
                FOREIGN KEY (tenant_id, model_name, model_version) REFERENCES ai_models (tenant_id, name, version)
            );
            CREATE INDEX model_logs_model_minute ON model_logs (tenant_id, model_name, minute);
            CREATE INDEX model_logs_minute ON model_logs (minute);
            """),
        SQLiteMigration(version: 10, name: "API tokens that push one camera's detections", sql: """
            ALTER TABLE credentials ADD COLUMN camera_id TEXT;
            """),
        SQLiteMigration(version: 11, name: "a fence per camera: its newest lease and when it began", sql: """
            ALTER TABLE cameras ADD COLUMN lease_token INTEGER;
            ALTER TABLE cameras ADD COLUMN lease_acquired_ms INTEGER;
            """),
        SQLiteMigration(version: 12, name: "what each counting run last wrote of a minute", sql: """
            -- A run that writes a minute again (counted again from its last checkpoint after its
            -- worker died) adds only what grew. Kept two days.
            CREATE TABLE counting_result_runs (
                tenant_id TEXT NOT NULL,
                camera_id TEXT NOT NULL,
                minute INTEGER NOT NULL,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                run_id TEXT NOT NULL,
                count_in INTEGER NOT NULL,
                count_out INTEGER NOT NULL,
                occupancy_sum REAL NOT NULL,
                occupancy_samples INTEGER NOT NULL,
                visits INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, camera_id, minute, kind, name, run_id)
            ) WITHOUT ROWID;
            """),
    ]

    /// Applies what is missing up to `last`, each migration in its own transaction; returns the
    /// versions applied.
    static func migrate(_ connection: SQLiteConnection, through last: Int = .max) throws -> [Int] {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at REAL NOT NULL
            )
            """)
        var applied: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM schema_migrations") {
            if let version = row[0].int64, let checksum = row[1].string { applied[Int(version)] = checksum }
        }
        var done: [Int] = []
        for migration in all where migration.version <= last {
            if let checksum = applied[migration.version] {
                guard checksum == migration.checksum else {
                    throw StorageError.migrationChanged(version: migration.version, name: migration.name)
                }
                continue
            }
            try connection.transaction {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, (julianday('now') - 2440587.5) * 86400.0)",
                    [.integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum)])
            }
            done.append(migration.version)
        }
        return done
    }
}
