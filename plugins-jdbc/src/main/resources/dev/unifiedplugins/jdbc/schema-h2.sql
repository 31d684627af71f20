-- Plugin configurations shared by several instances: see JdbcPluginConfigStore.
-- json is the configuration, NULL once deleted: the row stays so that its revision, which
-- every write increases, never repeats. updated_at and updated_by tell who wrote last.
-- plugin_config_history keeps the last revisions of each plugin (plugins.history.size),
-- json NULL for a deletion; added in a later version, so an existing database gets it by
-- running this script again, which also copies into it the revisions it misses.
-- The plugin_config_cloud_* tables hold the cloud cost fleet: see JdbcCloudCostFleet.
-- Idempotent, so that several instances may run it. H2 does not serialize the DDL of its
-- sessions, so instances that run it at the same moment may fail each other's statements:
-- the starter runs it again then (see JdbcStoreConfiguration). The tables are created
-- whole, so that on a new database no ALTER TABLE runs: H2 copies a table to add a column,
-- and two copies at once leave tables named *_COPY_* behind.
CREATE TABLE IF NOT EXISTS plugin_config (
	unique_id VARCHAR(128) NOT NULL PRIMARY KEY,
	json CHARACTER LARGE OBJECT,
	revision BIGINT NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
	updated_by VARCHAR(255) NOT NULL
);
CREATE TABLE IF NOT EXISTS plugin_config_history (
	unique_id VARCHAR(128) NOT NULL,
	revision BIGINT NOT NULL,
	json CHARACTER LARGE OBJECT,
	written_at TIMESTAMP WITH TIME ZONE NOT NULL,
	written_by VARCHAR(255),
	PRIMARY KEY (unique_id, revision)
);
-- Revisions the history misses (rows older than it, hand edits, writes while
-- plugins.history.size was 0) are copied into it, so that they can be restored.
INSERT INTO plugin_config_history (unique_id, revision, json, written_at, written_by)
SELECT c.unique_id, c.revision, c.json, c.updated_at, c.updated_by FROM plugin_config c
WHERE NOT EXISTS (SELECT 1 FROM plugin_config_history h WHERE h.unique_id = c.unique_id AND h.revision = c.revision);
CREATE TABLE IF NOT EXISTS plugin_config_cloud_instances (
	instance_name VARCHAR(255) NOT NULL PRIMARY KEY,
	heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL,
	process VARCHAR(255),
	contender VARCHAR(255),
	contended_at TIMESTAMP WITH TIME ZONE
);
CREATE TABLE IF NOT EXISTS plugin_config_cloud_resources (
	instance_name VARCHAR(255) NOT NULL,
	unique_id VARCHAR(128) NOT NULL,
	hourly_usd DOUBLE PRECISION NOT NULL,
	terminating BOOLEAN DEFAULT FALSE NOT NULL,
	category VARCHAR(255),
	PRIMARY KEY (instance_name, unique_id)
);
CREATE TABLE IF NOT EXISTS plugin_config_cloud_lock (
	name VARCHAR(32) NOT NULL PRIMARY KEY
);
-- Added later, to the tables of earlier versions (created whole above): the process that uses an instance
-- name and the last other process that tried to, and the resources being terminated.
ALTER TABLE plugin_config_cloud_instances ADD COLUMN IF NOT EXISTS process VARCHAR(255);
ALTER TABLE plugin_config_cloud_instances ADD COLUMN IF NOT EXISTS contender VARCHAR(255);
ALTER TABLE plugin_config_cloud_instances ADD COLUMN IF NOT EXISTS contended_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE plugin_config_cloud_resources ADD COLUMN IF NOT EXISTS terminating BOOLEAN DEFAULT FALSE NOT NULL;
-- Added later: the category of each resource, which the category budgets sum by; NULL in
-- the rows of an instance of an earlier version, which then count for the global budget only.
ALTER TABLE plugin_config_cloud_resources ADD COLUMN IF NOT EXISTS category VARCHAR(255);
-- Added later: which revision each live instance applied last, see JdbcAppliedRevisions.
-- One row per instance and plugin it has loaded; heartbeat_at tells the instances alive.
CREATE TABLE IF NOT EXISTS plugin_config_applied (
	unique_id VARCHAR(128) NOT NULL,
	instance_name VARCHAR(255) NOT NULL,
	revision VARCHAR(255),
	load_error CHARACTER LARGE OBJECT,
	applied_at TIMESTAMP WITH TIME ZONE NOT NULL,
	heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (unique_id, instance_name)
);
CREATE INDEX IF NOT EXISTS plugin_config_applied_instance ON plugin_config_applied (instance_name);
