/// Footfall's PostgreSQL schema, as versioned migrations. An applied migration must never
/// change (its checksum is stored); add a new one instead.
enum PostgresSchema {
    /// Tables partitioned by month on a time column, with that column.
    static let partitionedTables: [(table: String, column: String)] = [
        ("crossing_events", "time"),
        ("counting_results", "minute"),
        ("camera_events", "time"),
        ("audit_logs", "time"),
        ("model_logs", "time"),
    ]

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "roles, tenants and the full data model", sql: version1),
        PostgresMigration(version: 2, name: "control plane: text site ids, camera settings, usernames, credentials, audit trail",
                          sql: version2),
        PostgresMigration(version: 3, name: "alert rules; alerts with their rule, subject and acknowledgement", sql: version3),
        PostgresMigration(version: 4, name: "rollups by the local day of each camera's site", sql: version4),
        PostgresMigration(version: 5, name: "dwell times of zone visits", sql: version5),
        PostgresMigration(version: 6, name: "files: reports, their names, sites and expiry", sql: version6),
        PostgresMigration(version: 7, name: "erasing a user puts a pseudonym in the audit trail", sql: version7),
        PostgresMigration(version: 8, name: "detection models described; their figures per camera and minute", sql: version8),
        PostgresMigration(version: 9, name: "API tokens that push one camera's detections", sql: version9),
        PostgresMigration(version: 10, name: "a fence per camera: its newest lease and when it began", sql: version10),
        PostgresMigration(version: 11, name: "what each counting run last wrote of a minute", sql: version11),
    ]

    private static let version1 = """
        -- Roles: the migrating user owns everything; the application may only read and write
        -- rows; analytics may only read. Cluster-wide, so created only when missing.
        DO $$ BEGIN
            CREATE ROLE footfall_app NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        DO $$ BEGIN
            CREATE ROLE footfall_analytics NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;

        CREATE TABLE tenants (
            id uuid PRIMARY KEY,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            created_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE sites (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            timezone text NOT NULL DEFAULT 'UTC',
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (tenant_id, id)
        );
        CREATE INDEX sites_tenant ON sites (tenant_id);

        CREATE TABLE users (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
            password_hash text NOT NULL,
            role text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (tenant_id, email)
        );

        CREATE TABLE user_sessions (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            token_hash bytea NOT NULL UNIQUE,
            created_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL
        );
        CREATE INDEX user_sessions_tenant ON user_sessions (tenant_id);
        CREATE INDEX user_sessions_user ON user_sessions (user_id);
        CREATE INDEX user_sessions_expiry ON user_sessions (expires_at);

        CREATE TABLE ai_models (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            version text NOT NULL CHECK (length(version) BETWEEN 1 AND 50),
            kind text NOT NULL CHECK (kind IN ('motion', 'hog', 'onnx', 'external')),
            parameters jsonb NOT NULL DEFAULT '{}',
            file_id uuid,
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (tenant_id, name, version)
        );

        CREATE TABLE cameras (
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            id text NOT NULL CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
            site_id uuid REFERENCES sites (id),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            -- The stream URL, which may hold credentials: AES-GCM sealed box, key from configuration.
            source_sealed bytea NOT NULL,
            ai_model_id uuid REFERENCES ai_models (id),
            geometry_version integer NOT NULL DEFAULT 1,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, id)
        );
        CREATE INDEX cameras_site ON cameras (site_id);
        CREATE INDEX cameras_model ON cameras (ai_model_id);

        -- Lines and zones are versioned: an edit makes a new version, and counts keep the
        -- version they were made with.
        CREATE TABLE geometry_versions (
            tenant_id uuid NOT NULL,
            camera_id text NOT NULL,
            version integer NOT NULL CHECK (version >= 1),
            geometry jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, camera_id, version),
            FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id) ON DELETE CASCADE
        );
        CREATE TABLE counting_lines (
            tenant_id uuid NOT NULL,
            camera_id text NOT NULL,
            geometry_version integer NOT NULL,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            ax double precision NOT NULL, ay double precision NOT NULL,
            bx double precision NOT NULL, by double precision NOT NULL,
            CHECK (ax <> bx OR ay <> by),
            PRIMARY KEY (tenant_id, camera_id, geometry_version, name),
            FOREIGN KEY (tenant_id, camera_id, geometry_version)
                REFERENCES geometry_versions (tenant_id, camera_id, version) ON DELETE CASCADE
        );
        CREATE TABLE zones (
            tenant_id uuid NOT NULL,
            camera_id text NOT NULL,
            geometry_version integer NOT NULL,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            polygon jsonb NOT NULL CHECK (jsonb_typeof(polygon) = 'array' AND jsonb_array_length(polygon) >= 3),
            PRIMARY KEY (tenant_id, camera_id, geometry_version, name),
            FOREIGN KEY (tenant_id, camera_id, geometry_version)
                REFERENCES geometry_versions (tenant_id, camera_id, version) ON DELETE CASCADE
        );

        -- Big, append-mostly tables: partitioned by month, BRIN on time.
        CREATE TABLE crossing_events (
            tenant_id uuid NOT NULL,
            camera_id text NOT NULL,
            event_id text NOT NULL,
            geometry_version integer NOT NULL,
            line text NOT NULL,
            direction text NOT NULL CHECK (direction IN ('in', 'out')),
            track_id bigint NOT NULL,
            time timestamptz NOT NULL,
            -- The engine's event id contains the crossing's time, so (event id, time) is the
            -- de-duplication key and can include the partition column.
            PRIMARY KEY (tenant_id, event_id, time),
            FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
        ) PARTITION BY RANGE (time);
        CREATE INDEX crossing_events_camera_time ON crossing_events (tenant_id, camera_id, time);
        CREATE INDEX crossing_events_time_brin ON crossing_events USING brin (time);

        CREATE TABLE counting_results (
            tenant_id uuid NOT NULL,
            camera_id text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('line', 'zone')),
            name text NOT NULL,
            minute timestamptz NOT NULL CHECK (date_trunc('minute', minute) = minute),
            geometry_version integer NOT NULL,
            count_in integer NOT NULL CHECK (count_in >= 0),
            count_out integer NOT NULL CHECK (count_out >= 0),
            occupancy_min integer NOT NULL CHECK (occupancy_min >= 0),
            occupancy_max integer NOT NULL CHECK (occupancy_max >= occupancy_min),
            occupancy_sum double precision NOT NULL,
            occupancy_samples integer NOT NULL CHECK (occupancy_samples >= 0),
            PRIMARY KEY (tenant_id, camera_id, minute, kind, name),
            FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
        ) PARTITION BY RANGE (minute);
        CREATE INDEX counting_results_minute_brin ON counting_results USING brin (minute);

        CREATE TABLE camera_events (
            tenant_id uuid NOT NULL,
            camera_id text NOT NULL,
            time timestamptz NOT NULL,
            status text NOT NULL CHECK (status IN ('connecting', 'online', 'stalled', 'offline', 'failed')),
            reason text,
            FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
        ) PARTITION BY RANGE (time);
        CREATE INDEX camera_events_camera_time ON camera_events (tenant_id, camera_id, time);

        CREATE TABLE model_logs (
            tenant_id uuid NOT NULL,
            model_id uuid NOT NULL REFERENCES ai_models (id),
            camera_id text,
            time timestamptz NOT NULL,
            level text NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
            message text NOT NULL
        ) PARTITION BY RANGE (time);
        CREATE INDEX model_logs_model_time ON model_logs (model_id, time);
        CREATE INDEX model_logs_tenant_time ON model_logs (tenant_id, time);

        CREATE TABLE audit_logs (
            tenant_id uuid NOT NULL,
            user_id uuid REFERENCES users (id),
            time timestamptz NOT NULL,
            action text NOT NULL,
            target text NOT NULL,
            details jsonb NOT NULL DEFAULT '{}'
        ) PARTITION BY RANGE (time);
        CREATE INDEX audit_logs_tenant_time ON audit_logs (tenant_id, time);
        CREATE INDEX audit_logs_user ON audit_logs (user_id);

        CREATE TABLE alerts (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL,
            camera_id text,
            severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
            kind text NOT NULL,
            message text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            resolved_at timestamptz,
            FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
        );
        CREATE INDEX alerts_tenant_camera ON alerts (tenant_id, camera_id);
        CREATE INDEX alerts_unresolved ON alerts (tenant_id, created_at) WHERE resolved_at IS NULL;

        CREATE TABLE analytics_rollups (
            tenant_id uuid NOT NULL,
            camera_id text NOT NULL,
            granularity text NOT NULL CHECK (granularity IN ('hour', 'day', 'month')),
            bucket_start timestamptz NOT NULL,
            kind text NOT NULL CHECK (kind IN ('line', 'zone')),
            name text NOT NULL,
            count_in bigint NOT NULL,
            count_out bigint NOT NULL,
            occupancy_min integer,
            occupancy_max integer,
            occupancy_sum double precision NOT NULL,
            occupancy_samples bigint NOT NULL,
            PRIMARY KEY (tenant_id, camera_id, granularity, bucket_start, kind, name),
            FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)
        );

        CREATE TABLE files (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            kind text NOT NULL CHECK (kind IN ('snapshot', 'export', 'archive', 'model')),
            object_key text NOT NULL UNIQUE,
            content_type text NOT NULL,
            size bigint NOT NULL CHECK (size >= 0),
            sha256 bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX files_tenant ON files (tenant_id, created_at);
        ALTER TABLE ai_models ADD FOREIGN KEY (file_id) REFERENCES files (id);
        CREATE INDEX ai_models_file ON ai_models (file_id);

        -- Row-level security: every tenant-owned table shows and accepts only the rows of the
        -- tenant named by the transaction's `footfall.tenant_id` setting. FORCE applies it to
        -- the owner too; only a superuser bypasses it.
        DO $$
        DECLARE t text;
        BEGIN
            FOREACH t IN ARRAY ARRAY['sites', 'users', 'user_sessions', 'ai_models', 'cameras',
                'geometry_versions', 'counting_lines', 'zones', 'crossing_events', 'counting_results',
                'camera_events', 'model_logs', 'audit_logs', 'alerts', 'analytics_rollups', 'files']
            LOOP
                EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
                EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
                EXECUTE format('CREATE POLICY tenant_isolation ON %I
                    USING (tenant_id = nullif(current_setting(''footfall.tenant_id'', true), '''')::uuid)
                    WITH CHECK (tenant_id = nullif(current_setting(''footfall.tenant_id'', true), '''')::uuid)', t);
                EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO footfall_app', t);
                EXECUTE format('GRANT SELECT ON %I TO footfall_analytics', t);
            END LOOP;
        END $$;
        ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
        ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON tenants
            USING (id = nullif(current_setting('footfall.tenant_id', true), '')::uuid);
        GRANT SELECT ON tenants TO footfall_app, footfall_analytics;

        -- The application may not create tables, so it asks for monthly partitions through this
        -- function, which runs with the owner's rights and can only create partitions.
        CREATE FUNCTION footfall_ensure_partition(parent text, month date) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        DECLARE
            first date := date_trunc('month', month)::date;
            name text := parent || '_p' || to_char(first, 'YYYYMM');
        BEGIN
            IF parent NOT IN ('crossing_events', 'counting_results', 'camera_events', 'audit_logs', 'model_logs') THEN
                RAISE EXCEPTION 'not a partitioned table: %', parent;
            END IF;
            -- Writers racing for the same new month wait here for the first one's commit.
            PERFORM pg_advisory_xact_lock(hashtext('footfall_partition:' || name));
            IF to_regclass('public.' || quote_ident(name)) IS NULL THEN
                EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                    name, parent, to_char(first, 'YYYY-MM-DD') || ' 00:00:00+00',
                    to_char(first + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
            END IF;
        END $fn$;
        REVOKE ALL ON FUNCTION footfall_ensure_partition(text, date) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION footfall_ensure_partition(text, date) TO footfall_app;
        """

    private static let version2 = """
        -- Sites get short text ids, as cameras have, unique within their tenant; a camera names
        -- a site of its own tenant.
        ALTER TABLE cameras DROP CONSTRAINT cameras_site_id_fkey;
        DROP INDEX cameras_site;
        ALTER TABLE sites DROP CONSTRAINT sites_tenant_id_id_key;
        ALTER TABLE sites DROP CONSTRAINT sites_pkey;
        DROP INDEX sites_tenant;
        ALTER TABLE sites ALTER COLUMN id DROP DEFAULT;
        ALTER TABLE sites ALTER COLUMN id TYPE text USING id::text;
        ALTER TABLE sites ADD CONSTRAINT sites_id_check CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$');
        ALTER TABLE sites ADD PRIMARY KEY (tenant_id, id);
        ALTER TABLE cameras ALTER COLUMN site_id TYPE text USING site_id::text;
        ALTER TABLE cameras ADD CONSTRAINT cameras_site_fkey FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id);
        CREATE INDEX cameras_site ON cameras (tenant_id, site_id);
        -- Camera ids are unique in the whole installation (live numbers are kept by camera id);
        -- footfall_camera_id_taken checks it, as the application sees only its own tenant.
        CREATE INDEX cameras_id ON cameras (id);

        -- How each camera is analysed. A deleted camera keeps its row (deleted_at set) so that its
        -- counts keep their camera and its id can be used again.
        ALTER TABLE cameras
            ADD COLUMN detector text NOT NULL DEFAULT 'motion' CHECK (length(detector) BETWEEN 1 AND 500),
            ADD COLUMN analysis_rate double precision CHECK (analysis_rate > 0 AND analysis_rate <= 100),
            ADD COLUMN enabled boolean NOT NULL DEFAULT true,
            ADD COLUMN deleted_at timestamptz;

        -- Users sign in with a username unique in the whole installation (the email was unique only
        -- within its tenant: a second tenant's copy gets a suffix), and may be limited to some sites.
        ALTER TABLE users RENAME COLUMN email TO username;
        ALTER TABLE users DROP CONSTRAINT users_email_check;
        ALTER TABLE users DROP CONSTRAINT users_tenant_id_email_key;
        -- The owner is subject to row-level security too: lifted for this one rewrite.
        ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
        UPDATE users u SET username = u.username || '-' || left(u.id::text, 8)
            FROM (SELECT id, row_number() OVER (PARTITION BY username ORDER BY created_at, id) AS n FROM users) d
            WHERE d.id = u.id AND d.n > 1;
        ALTER TABLE users FORCE ROW LEVEL SECURITY;
        ALTER TABLE users ADD CONSTRAINT users_username_check CHECK (length(username) BETWEEN 1 AND 320);
        ALTER TABLE users ADD CONSTRAINT users_username_key UNIQUE (username);
        CREATE INDEX users_tenant_username ON users (tenant_id, username);
        ALTER TABLE users ADD COLUMN sites text[] NOT NULL DEFAULT '{}';

        -- Credentials: dashboard sessions, and named API tokens that may never expire.
        ALTER TABLE user_sessions
            ADD COLUMN kind text NOT NULL DEFAULT 'session' CHECK (kind IN ('session', 'api-token')),
            ADD COLUMN name text CHECK (length(name) BETWEEN 1 AND 200),
            ALTER COLUMN expires_at DROP NOT NULL;
        DROP INDEX user_sessions_user;
        CREATE INDEX user_sessions_user ON user_sessions (user_id, created_at);

        -- The audit trail keeps who (by name too, as it was then), from where, and the target before
        -- and after. Entries outlive their user, so the user id is no longer a foreign key.
        ALTER TABLE audit_logs DROP CONSTRAINT audit_logs_user_id_fkey;
        ALTER TABLE audit_logs
            ADD COLUMN username text NOT NULL DEFAULT 'system',
            ADD COLUMN address text,
            ADD COLUMN before_json text,
            ADD COLUMN after_json text;
        CREATE INDEX audit_logs_tenant_target ON audit_logs (tenant_id, target, time);
        -- Of entries with the same time, the one written last reads first.
        ALTER TABLE audit_logs ADD COLUMN seq bigserial;
        GRANT USAGE ON SEQUENCE audit_logs_seq_seq TO footfall_app;

        -- Append-only: the application may add and read entries, never change or remove them, and
        -- no one changes a row (retention drops whole partitions).
        REVOKE UPDATE, DELETE ON audit_logs FROM footfall_app;
        CREATE FUNCTION footfall_refuse_audit_change() RETURNS trigger
        LANGUAGE plpgsql AS $fn$
        BEGIN
            RAISE EXCEPTION 'the audit trail is append-only';
        END $fn$;
        CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
            FOR EACH ROW EXECUTE FUNCTION footfall_refuse_audit_change();

        -- Signing in comes before the tenant is known, managing tenants spans them all, and a camera
        -- id must be free in every tenant. These functions run with the owner's rights and return
        -- only what they are for; the policies let the owner see across tenants only while one of
        -- them runs (each turns footfall.all_tenants on for its own statement, and off again).
        CREATE POLICY account_lookup ON users FOR SELECT TO CURRENT_USER
            USING (current_setting('footfall.all_tenants', true) = 'on');
        CREATE POLICY account_lookup ON user_sessions FOR SELECT TO CURRENT_USER
            USING (current_setting('footfall.all_tenants', true) = 'on');
        CREATE POLICY account_cleanup ON user_sessions FOR DELETE TO CURRENT_USER
            USING (current_setting('footfall.all_tenants', true) = 'on');
        CREATE POLICY camera_lookup ON cameras FOR SELECT TO CURRENT_USER
            USING (current_setting('footfall.all_tenants', true) = 'on');
        CREATE POLICY tenant_admin ON tenants FOR ALL TO CURRENT_USER
            USING (current_setting('footfall.all_tenants', true) = 'on')
            WITH CHECK (current_setting('footfall.all_tenants', true) = 'on');

        CREATE FUNCTION footfall_account_user(p_username text)
        RETURNS TABLE (id uuid, tenant_id uuid, username text, password_hash text, role text, sites text[], created_at timestamptz)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        BEGIN
            PERFORM set_config('footfall.all_tenants', 'on', true);
            RETURN QUERY SELECT u.id, u.tenant_id, u.username, u.password_hash, u.role, u.sites, u.created_at
                FROM public.users u WHERE u.username = p_username;
            PERFORM set_config('footfall.all_tenants', '', true);
        END $fn$;

        CREATE FUNCTION footfall_authenticate(p_token_hash bytea, p_now timestamptz)
        RETURNS TABLE (id uuid, tenant_id uuid, user_id uuid, kind text, name text, created_at timestamptz,
                       expires_at timestamptz, username text, password_hash text, role text, sites text[],
                       user_created_at timestamptz)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        BEGIN
            PERFORM set_config('footfall.all_tenants', 'on', true);
            RETURN QUERY SELECT s.id, s.tenant_id, s.user_id, s.kind, s.name, s.created_at, s.expires_at,
                    u.username, u.password_hash, u.role, u.sites, u.created_at
                FROM public.user_sessions s JOIN public.users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
                WHERE s.token_hash = p_token_hash AND (s.expires_at IS NULL OR p_now < s.expires_at);
            PERFORM set_config('footfall.all_tenants', '', true);
        END $fn$;

        CREATE FUNCTION footfall_has_users() RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        DECLARE found boolean;
        BEGIN
            PERFORM set_config('footfall.all_tenants', 'on', true);
            found := EXISTS (SELECT 1 FROM public.users);
            PERFORM set_config('footfall.all_tenants', '', true);
            RETURN found;
        END $fn$;

        CREATE FUNCTION footfall_delete_expired_credentials(p_before timestamptz) RETURNS bigint
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        DECLARE removed bigint;
        BEGIN
            PERFORM set_config('footfall.all_tenants', 'on', true);
            DELETE FROM public.user_sessions s WHERE s.expires_at < p_before;
            GET DIAGNOSTICS removed = ROW_COUNT;
            PERFORM set_config('footfall.all_tenants', '', true);
            RETURN removed;
        END $fn$;

        CREATE FUNCTION footfall_camera_id_taken(p_id text, p_tenant uuid) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        DECLARE found boolean;
        BEGIN
            PERFORM set_config('footfall.all_tenants', 'on', true);
            found := EXISTS (SELECT 1 FROM public.cameras c WHERE c.id = p_id AND c.tenant_id <> p_tenant);
            PERFORM set_config('footfall.all_tenants', '', true);
            RETURN found;
        END $fn$;

        CREATE FUNCTION footfall_tenants() RETURNS TABLE (id uuid, name text)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        BEGIN
            PERFORM set_config('footfall.all_tenants', 'on', true);
            RETURN QUERY SELECT t.id, t.name FROM public.tenants t;
            PERFORM set_config('footfall.all_tenants', '', true);
        END $fn$;

        CREATE FUNCTION footfall_save_tenant(p_id uuid, p_name text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        BEGIN
            PERFORM set_config('footfall.all_tenants', 'on', true);
            INSERT INTO public.tenants AS t (id, name) VALUES (p_id, p_name)
                ON CONFLICT ON CONSTRAINT tenants_pkey DO UPDATE SET name = EXCLUDED.name;
            PERFORM set_config('footfall.all_tenants', '', true);
        END $fn$;

        DO $$
        DECLARE f text;
        BEGIN
            FOREACH f IN ARRAY ARRAY['footfall_account_user(text)', 'footfall_authenticate(bytea, timestamptz)',
                'footfall_has_users()', 'footfall_delete_expired_credentials(timestamptz)',
                'footfall_camera_id_taken(text, uuid)', 'footfall_tenants()',
                'footfall_save_tenant(uuid, text)']
            LOOP
                EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO footfall_app', f);
            END LOOP;
        END $$;
        """

    private static let version3 = """
        CREATE TABLE alert_rules (
            id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            name text NOT NULL,
            kind text NOT NULL,
            severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
            enabled boolean NOT NULL,
            camera_id text,
            site_id text,
            settings jsonb NOT NULL
        );
        CREATE INDEX alert_rules_tenant ON alert_rules (tenant_id, name);
        ALTER TABLE alert_rules ENABLE ROW LEVEL SECURITY;
        ALTER TABLE alert_rules FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON alert_rules
            USING (tenant_id = nullif(current_setting('footfall.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = nullif(current_setting('footfall.tenant_id', true), '')::uuid);
        GRANT SELECT, INSERT, UPDATE, DELETE ON alert_rules TO footfall_app;
        GRANT SELECT ON alert_rules TO footfall_analytics;

        -- An alert outlives its rule: deleting the rule resolves it and clears rule_id.
        ALTER TABLE alerts
            ADD COLUMN rule_id uuid REFERENCES alert_rules (id) ON DELETE SET NULL,
            ADD COLUMN subject text NOT NULL DEFAULT '',
            ADD COLUMN site_id text,
            ADD COLUMN value double precision,
            ADD COLUMN acknowledged_at timestamptz,
            ADD COLUMN acknowledged_by text;
        ALTER TABLE alerts ALTER COLUMN subject DROP DEFAULT;
        CREATE INDEX alerts_rule ON alerts (rule_id);
        CREATE INDEX alerts_tenant_created ON alerts (tenant_id, created_at);
        -- One open alert per rule and subject, whoever tries to open a second.
        CREATE UNIQUE INDEX alerts_open ON alerts (tenant_id, rule_id, subject) WHERE resolved_at IS NULL;
        """

    private static let version4 = """
        -- A day in a site's own time zone (bucket_start is its local midnight), so that analytics
        -- by local day and week over long ranges read a row per day instead of 24.
        ALTER TABLE analytics_rollups DROP CONSTRAINT analytics_rollups_granularity_check;
        ALTER TABLE analytics_rollups ADD CONSTRAINT analytics_rollups_granularity_check
            CHECK (granularity IN ('hour', 'day', 'month', 'local-day'));
        """

    private static let version5 = """
        -- Seconds of each zone visit that ended in the minute.
        ALTER TABLE counting_results ADD COLUMN dwell_seconds double precision[] NOT NULL DEFAULT '{}';
        """

    private static let version7 = """
        -- Still append-only, except that erasing a user, through footfall_pseudonymise_audit only,
        -- may put a pseudonym (erased-…) where their name was: in the name, a user:… target, or
        -- the before and after texts.
        CREATE OR REPLACE FUNCTION footfall_refuse_audit_change() RETURNS trigger
        LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP = 'UPDATE' AND current_setting('footfall.erasing', true) = 'on'
                AND NEW.tenant_id = OLD.tenant_id AND NEW.time = OLD.time AND NEW.seq = OLD.seq
                AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id AND NEW.address IS NOT DISTINCT FROM OLD.address
                AND NEW.action = OLD.action AND NEW.details = OLD.details
                AND (NEW.username = OLD.username OR NEW.username LIKE 'erased-%')
                AND (NEW.target = OLD.target OR NEW.target LIKE 'user:erased-%')
                AND (NEW.before_json IS NOT DISTINCT FROM OLD.before_json OR NEW.before_json LIKE '%"erased-%')
                AND (NEW.after_json IS NOT DISTINCT FROM OLD.after_json OR NEW.after_json LIKE '%"erased-%') THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'the audit trail is append-only';
        END $fn$;

        -- The current tenant's entries naming the user erased_user name new_name instead; returns
        -- how many. Only an existing user of the tenant can be named so (the caller then deletes
        -- them), and only a pseudonym put in.
        CREATE FUNCTION footfall_pseudonymise_audit(erased_user uuid, new_name text) RETURNS bigint
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        DECLARE
            tenant uuid := current_setting('footfall.tenant_id')::uuid;
            old_name text;
            quoted text;
            replacement text;
            changed bigint;
        BEGIN
            IF new_name !~ '^erased-[a-z0-9]{1,32}$' THEN
                RAISE EXCEPTION 'not a pseudonym: %', new_name;
            END IF;
            SELECT username INTO old_name FROM users WHERE tenant_id = tenant AND id = erased_user;
            IF old_name IS NULL THEN
                RAISE EXCEPTION 'no user %', erased_user;
            END IF;
            quoted := '"username":"' || old_name || '"';
            replacement := '"username":"' || new_name || '"';
            PERFORM set_config('footfall.erasing', 'on', true);
            UPDATE audit_logs SET
                username = CASE WHEN username = old_name THEN new_name ELSE username END,
                target = CASE WHEN target = 'user:' || old_name THEN 'user:' || new_name ELSE target END,
                before_json = replace(before_json, quoted, replacement),
                after_json = replace(after_json, quoted, replacement)
            WHERE tenant_id = tenant AND (username = old_name OR target = 'user:' || old_name
                OR strpos(coalesce(before_json, ''), quoted) > 0 OR strpos(coalesce(after_json, ''), quoted) > 0);
            GET DIAGNOSTICS changed = ROW_COUNT;
            PERFORM set_config('footfall.erasing', 'off', true);
            RETURN changed;
        END $fn$;
        REVOKE ALL ON FUNCTION footfall_pseudonymise_audit(uuid, text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION footfall_pseudonymise_audit(uuid, text) TO footfall_app;
        """

    private static let version6 = """
        ALTER TABLE files DROP CONSTRAINT files_kind_check;
        ALTER TABLE files ADD CONSTRAINT files_kind_check CHECK (kind IN ('snapshot', 'export', 'archive', 'model', 'report'));
        ALTER TABLE files ADD COLUMN name text NOT NULL DEFAULT '';
        ALTER TABLE files ADD COLUMN site_id text;
        ALTER TABLE files ADD COLUMN expires_at timestamptz;
        CREATE INDEX files_tenant_kind ON files (tenant_id, kind, created_at);
        """

    private static let version8 = """
        -- A model is what a camera's detector field names, with what is known of it.
        ALTER TABLE ai_models DROP CONSTRAINT ai_models_kind_check;
        ALTER TABLE ai_models ADD CONSTRAINT ai_models_kind_check CHECK (kind IN ('motion', 'hog', 'ssd', 'onnx', 'external'));
        ALTER TABLE ai_models
            ADD COLUMN detector text NOT NULL DEFAULT '' CHECK (length(detector) <= 500),
            ADD COLUMN sha256 text CHECK (sha256 ~ '^[0-9a-fA-F]{64}$'),
            ADD COLUMN input_width integer CHECK (input_width BETWEEN 1 AND 16384),
            ADD COLUMN input_height integer CHECK (input_height BETWEEN 1 AND 16384),
            ADD COLUMN classes text[] NOT NULL DEFAULT '{person}',
            ADD COLUMN score_threshold double precision CHECK (score_threshold BETWEEN 0 AND 1),
            ADD COLUMN licence text CHECK (length(licence) <= 200),
            ADD COLUMN source text CHECK (length(source) <= 500);

        -- One row per camera, model and minute: what the model did there.
        ALTER TABLE model_logs
            ADD COLUMN frames integer NOT NULL DEFAULT 0 CHECK (frames >= 0),
            ADD COLUMN regions integer NOT NULL DEFAULT 0 CHECK (regions >= 0),
            ADD COLUMN detections integer NOT NULL DEFAULT 0 CHECK (detections >= 0),
            ADD COLUMN errors integer NOT NULL DEFAULT 0 CHECK (errors >= 0),
            ADD COLUMN mean_ms double precision NOT NULL DEFAULT 0,
            ADD COLUMN p99_ms double precision NOT NULL DEFAULT 0;
        ALTER TABLE model_logs ALTER COLUMN camera_id SET NOT NULL;
        CREATE UNIQUE INDEX model_logs_camera_minute ON model_logs (tenant_id, camera_id, model_id, time);
        """

    private static let version9 = """
        ALTER TABLE user_sessions ADD COLUMN camera_id text CHECK (camera_id IS NULL OR kind = 'api-token');
        ALTER TABLE user_sessions ADD FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id) ON DELETE CASCADE;
        CREATE INDEX user_sessions_camera ON user_sessions (tenant_id, camera_id);

        DROP FUNCTION footfall_authenticate(bytea, timestamptz);
        CREATE FUNCTION footfall_authenticate(p_token_hash bytea, p_now timestamptz)
        RETURNS TABLE (id uuid, tenant_id uuid, user_id uuid, kind text, name text, created_at timestamptz,
                       expires_at timestamptz, username text, password_hash text, role text, sites text[],
                       user_created_at timestamptz, camera_id text)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
        BEGIN
            PERFORM set_config('footfall.all_tenants', 'on', true);
            RETURN QUERY SELECT s.id, s.tenant_id, s.user_id, s.kind, s.name, s.created_at, s.expires_at,
                    u.username, u.password_hash, u.role, u.sites, u.created_at, s.camera_id
                FROM public.user_sessions s JOIN public.users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
                WHERE s.token_hash = p_token_hash AND (s.expires_at IS NULL OR p_now < s.expires_at);
            PERFORM set_config('footfall.all_tenants', '', true);
        END $fn$;
        REVOKE ALL ON FUNCTION footfall_authenticate(bytea, timestamptz) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION footfall_authenticate(bytea, timestamptz) TO footfall_app;
        """

    private static let version10 = """
        -- The newest camera lease a worker recorded, and when it began: crossings counted under an
        -- older lease from then on come from a worker that lost the camera, and are refused.
        ALTER TABLE cameras
            ADD COLUMN lease_token bigint CHECK (lease_token > 0),
            ADD COLUMN lease_acquired_at timestamptz;
        """

    private static let version11 = """
        -- A run that writes a minute again (counted again from its last checkpoint after its
        -- worker died) adds only what grew since its last write. Kept two days.
        CREATE TABLE counting_result_runs (
            tenant_id uuid NOT NULL,
            camera_id text NOT NULL,
            minute timestamptz NOT NULL,
            kind text NOT NULL,
            name text NOT NULL,
            run_id text NOT NULL CHECK (length(run_id) BETWEEN 1 AND 100),
            count_in integer NOT NULL,
            count_out integer NOT NULL,
            occupancy_sum double precision NOT NULL,
            occupancy_samples integer NOT NULL,
            visits integer NOT NULL,
            PRIMARY KEY (tenant_id, camera_id, minute, kind, name, run_id)
        );
        ALTER TABLE counting_result_runs ENABLE ROW LEVEL SECURITY;
        ALTER TABLE counting_result_runs FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON counting_result_runs
            USING (tenant_id = nullif(current_setting('footfall.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = nullif(current_setting('footfall.tenant_id', true), '')::uuid);
        GRANT SELECT, INSERT, UPDATE, DELETE ON counting_result_runs TO footfall_app;
        """
}
