-- Plugin configurations shared by several instances: see JdbcPluginConfigStore.
-- json is the configuration, NULL once deleted: the row stays so that its revision, which
-- every write increases, never repeats. updated_at and updated_by tell who wrote last.
-- plugin_config_history keeps the last revisions of each plugin (plugins.history.size),
-- json NULL for a deletion; added in a later version, so an existing database gets it by
-- running this script again, which also copies into it the revisions it misses.
-- The plugin_config_cloud_* tables hold the cloud cost fleet: see JdbcCloudCostFleet.
-- Idempotent, and safe for several instances to run at once: CREATE TABLE IF NOT EXISTS
-- alone is not (two sessions can both find the table missing, and one then fails on a
-- unique index of the catalog), so it runs under a transaction-scoped advisory lock. The
-- block is quoted with '...' rather than $$...$$, which Spring's script runner would split.
-- Every start may run it while other instances (or a person in psql) use the tables: it
-- alters or indexes a table only when that is missing (ALTER TABLE takes a table's
-- strongest lock even when there is nothing to add, and would wait for every transaction
-- on it, holding up every later one meanwhile), and it waits at most 5 s for any lock,
-- then fails with SQLState 55P03 (lock_timeout, for its own transaction only).
DO '
BEGIN
	PERFORM set_config(''lock_timeout'', ''5s'', true);
	PERFORM pg_advisory_xact_lock(hashtext(''dev.unifiedplugins.config.plugin_config''));
	CREATE TABLE IF NOT EXISTS plugin_config (
		unique_id VARCHAR(128) NOT NULL PRIMARY KEY,
		json TEXT,
		revision BIGINT NOT NULL,
		updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
		updated_by VARCHAR(255) NOT NULL
	);
	CREATE TABLE IF NOT EXISTS plugin_config_history (
		unique_id VARCHAR(128) NOT NULL,
		revision BIGINT NOT NULL,
		json TEXT,
		written_at TIMESTAMP WITH TIME ZONE NOT NULL,
		written_by VARCHAR(255),
		PRIMARY KEY (unique_id, revision)
	);
	-- Revisions the history misses (rows older than it, hand edits, writes while
	-- plugins.history.size was 0) are copied into it, so that they can be restored.
	INSERT INTO plugin_config_history (unique_id, revision, json, written_at, written_by)
		SELECT unique_id, revision, json, updated_at, updated_by FROM plugin_config
		ON CONFLICT DO NOTHING;
	CREATE TABLE IF NOT EXISTS plugin_config_cloud_instances (
		instance_name VARCHAR(255) NOT NULL PRIMARY KEY,
		heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
	);
	CREATE TABLE IF NOT EXISTS plugin_config_cloud_resources (
		instance_name VARCHAR(255) NOT NULL,
		unique_id VARCHAR(128) NOT NULL,
		hourly_usd DOUBLE PRECISION NOT NULL,
		PRIMARY KEY (instance_name, unique_id)
	);
	CREATE TABLE IF NOT EXISTS plugin_config_cloud_lock (
		name VARCHAR(32) NOT NULL PRIMARY KEY
	);
	-- Added later, to the tables of earlier versions too: the process that uses an instance
	-- name and the last other process that tried to, and the resources being terminated.
	IF (SELECT COUNT(*) FROM pg_attribute WHERE attrelid = to_regclass(''plugin_config_cloud_instances'')
			AND attname IN (''process'', ''contender'', ''contended_at'') AND NOT attisdropped) < 3 THEN
		ALTER TABLE plugin_config_cloud_instances ADD COLUMN IF NOT EXISTS process VARCHAR(255);
		ALTER TABLE plugin_config_cloud_instances ADD COLUMN IF NOT EXISTS contender VARCHAR(255);
		ALTER TABLE plugin_config_cloud_instances ADD COLUMN IF NOT EXISTS contended_at TIMESTAMP WITH TIME ZONE;
	END IF;
	-- Added later: the category of each resource, which the category budgets sum by; NULL in
	-- the rows of an instance of an earlier version, which then count for the global budget only.
	IF (SELECT COUNT(*) FROM pg_attribute WHERE attrelid = to_regclass(''plugin_config_cloud_resources'')
			AND attname IN (''terminating'', ''category'') AND NOT attisdropped) < 2 THEN
		ALTER TABLE plugin_config_cloud_resources ADD COLUMN IF NOT EXISTS terminating BOOLEAN NOT NULL DEFAULT FALSE;
		ALTER TABLE plugin_config_cloud_resources ADD COLUMN IF NOT EXISTS category VARCHAR(255);
	END IF;
	-- Added later: which revision each live instance applied last, see JdbcAppliedRevisions.
	-- One row per instance and plugin it has loaded; heartbeat_at tells the instances alive.
	CREATE TABLE IF NOT EXISTS plugin_config_applied (
		unique_id VARCHAR(128) NOT NULL,
		instance_name VARCHAR(255) NOT NULL,
		revision VARCHAR(255),
		load_error TEXT,
		applied_at TIMESTAMP WITH TIME ZONE NOT NULL,
		heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL,
		PRIMARY KEY (unique_id, instance_name)
	);
	IF to_regclass(''plugin_config_applied_instance'') IS NULL THEN
		CREATE INDEX IF NOT EXISTS plugin_config_applied_instance ON plugin_config_applied (instance_name);
	END IF;
END';
