-- Plugin configurations shared by several instances: see JdbcPluginConfigStore.
-- json is the configuration, NULL once deleted: the row stays so that its revision, which
-- every write increases, never repeats. updated_at and updated_by tell who wrote last.
-- Idempotent, so that several instances may run it.
CREATE TABLE IF NOT EXISTS plugin_config (
	unique_id VARCHAR(128) NOT NULL PRIMARY KEY,
	json CHARACTER LARGE OBJECT,
	revision BIGINT NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
	updated_by VARCHAR(255) NOT NULL
);
