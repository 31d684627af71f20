package dev.unifiedplugins.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.testsupport.TestPluginManager;

/**
 * What the tests of the write operations share: a plugin with a schema that has a secret,
 * and a config store (with the file store's history) that can make a change behind a
 * save's back or fail.
 */
final class WriteFixtures {

	/** {@code stt_whisper}: device (enum), beam_size (1 to 10), language (pattern), hf_token (write-only). */
	static final Map<String, Object> SCHEMA = Map.of("type", "object", "properties",
			Map.of("device", Map.of("type", "string", "enum", List.of("cpu", "cuda"), "default", "cpu"), "beam_size",
					Map.of("type", "integer", "minimum", 1, "maximum", 10, "default", 5), "language",
					Map.of("type", "string", "pattern", "^[a-z]{2}$"), "hf_token",
					Map.of("type", "string", "writeOnly", true)),
			"additionalProperties", false);

	private WriteFixtures() {
	}

	static TestPluginManager manager(Object... instances) {
		TestPluginManager manager = new TestPluginManager(PluginDescriptor.builder("whisper").configSchema(SCHEMA).build(),
				PluginDescriptor.builder("worker").build(), PluginDescriptor.builder("gpu").build());
		if (instances.length > 0) {
			manager.withInstance("worker", instances[0]);
		}
		if (instances.length > 1) {
			manager.withInstance("gpu", instances[1]);
		}
		return manager;
	}

	/**
	 * A file store that runs a test's action once, just before the next revision-checked
	 * save, as another client would; or fails every save and delete.
	 */
	static final class InterferingStore implements PluginConfigStore {

		private final FileSystemPluginConfigStore files;

		private final AtomicReference<Runnable> beforeNextSave = new AtomicReference<>();

		private volatile boolean failing;

		private volatile boolean failingLoads;

		private volatile boolean losingConnections;

		InterferingStore(Path dir) {
			this.files = new FileSystemPluginConfigStore(dir);
		}

		FileSystemPluginConfigStore files() {
			return this.files;
		}

		void beforeNextSave(Runnable action) {
			this.beforeNextSave.set(action);
		}

		void failWrites() {
			this.failing = true;
		}

		/** Writes lose the connection mid-way, and commit all the same, as a commit the server ran may. */
		void loseConnectionsOnWrites() {
			this.losingConnections = true;
		}

		/** The current configuration cannot be read; its history can. */
		void failLoads() {
			this.failingLoads = true;
		}

		private static PluginConfigWriteOutcomeUnknownException lostConnection() {
			String message = "the database did not answer; whether it was written is unknown";
			return new PluginConfigWriteOutcomeUnknownException(message, new IOException(message));
		}

		@Override
		public Optional<Map<String, Object>> load(String uniqueId) {
			if (this.failingLoads) {
				throw new UncheckedIOException(new IOException("database went away"));
			}
			return this.files.load(uniqueId);
		}

		@Override
		public void save(String uniqueId, Map<String, Object> config) {
			if (this.failing) {
				throw new UncheckedIOException(new IOException("disk full"));
			}
			this.files.save(uniqueId, config);
		}

		@Override
		public String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
			Runnable action = this.beforeNextSave.getAndSet(null);
			if (action != null) {
				action.run();
			}
			if (this.failing) {
				throw new UncheckedIOException(new IOException("disk full"));
			}
			String revision = this.files.save(uniqueId, config, expected);
			if (this.losingConnections) {
				throw lostConnection();
			}
			return revision;
		}

		@Override
		public Optional<StoredPluginConfig> loadStored(String uniqueId) {
			return this.files.loadStored(uniqueId);
		}

		@Override
		public Map<String, String> revisions() {
			return this.files.revisions();
		}

		@Override
		public List<ConfigRevision> history(String uniqueId) {
			if (this.failing) {
				throw new UncheckedIOException(new IOException("disk gone"));
			}
			return this.files.history(uniqueId);
		}

		@Override
		public Optional<StoredPluginConfig> loadRevision(String uniqueId, String revision) {
			return this.files.loadRevision(uniqueId, revision);
		}

		@Override
		public boolean delete(String uniqueId) {
			if (this.failing) {
				throw new UncheckedIOException(new IOException("disk gone"));
			}
			boolean deleted = this.files.delete(uniqueId);
			if (this.losingConnections) {
				throw lostConnection();
			}
			return deleted;
		}

		@Override
		public boolean exists(String uniqueId) {
			return this.files.exists(uniqueId);
		}

		@Override
		public Set<String> ids() {
			return this.files.ids();
		}

	}

}
