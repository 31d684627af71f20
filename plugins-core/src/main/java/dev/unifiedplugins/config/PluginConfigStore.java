package dev.unifiedplugins.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where plugin configurations are kept: one JSON object per plugin unique id.
 * Implementations are thread-safe.
 */
public interface PluginConfigStore {

	/**
	 * Reads a plugin's configuration.
	 * @param uniqueId the plugin's unique id
	 * @return the configuration, or empty when none is saved
	 * @throws IllegalArgumentException when the id is illegal
	 * @throws PluginConfigException when the stored configuration is corrupt
	 * @throws java.io.UncheckedIOException when it cannot be read
	 */
	Optional<Map<String, Object>> load(String uniqueId);

	/**
	 * Saves a plugin's configuration, replacing any previous one atomically.
	 * @param uniqueId the plugin's unique id
	 * @param config a JSON object: maps with string keys, lists, strings, numbers,
	 * booleans and nulls
	 * @throws IllegalArgumentException when the id is illegal or a value cannot be held
	 * in JSON, or would not load back as saved; the previous configuration is then left as
	 * it was
	 * @throws java.io.UncheckedIOException when it cannot be written; the previous
	 * configuration is then left as it was
	 */
	void save(String uniqueId, Map<String, Object> config);

	/**
	 * Deletes a plugin's configuration.
	 * @param uniqueId the plugin's unique id
	 * @return true when a configuration existed
	 * @throws IllegalArgumentException when the id is illegal
	 * @throws java.io.UncheckedIOException when it cannot be deleted
	 */
	boolean delete(String uniqueId);

	/**
	 * Whether a configuration is saved for a plugin.
	 * @param uniqueId the plugin's unique id
	 * @return true when one is saved
	 * @throws IllegalArgumentException when the id is illegal
	 */
	boolean exists(String uniqueId);

	/**
	 * The unique ids that have a saved configuration, read in one pass, so that
	 * registering many plugins costs one listing rather than one check per plugin.
	 * @return the ids
	 * @throws java.io.UncheckedIOException when the store cannot be listed
	 */
	Set<String> ids();

}
