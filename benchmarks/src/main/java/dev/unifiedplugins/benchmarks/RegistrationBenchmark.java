package dev.unifiedplugins.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Registering 10,000 plugins in 100 categories: 100 {@code registerPluginManager} calls of
 * 100 plugins each, into a fresh registry over a config directory that already holds 1,000
 * saved configurations (so that the {@code configured} flags come from a real listing).
 * Every plugin has its own small schema (they differ in their titles); {@code validation}
 * {@code false} registers them without checking the schemas against the metaschema.
 * Target: at most 10 ms for the whole.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RegistrationBenchmark {

	@Param("10000")
	int plugins;

	@Param("100")
	int categories;

	@Param({ "true", "false" })
	boolean validation;

	private Path dir;

	private FileSystemPluginConfigStore store;

	private List<Fixtures.StaticManager> managers;

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		this.dir = Fixtures.tempDir("bench-register");
		this.managers = Fixtures.managers(this.plugins, this.categories);
		// Every tenth plugin has a saved configuration.
		for (int c = 0; c < this.categories; c++) {
			for (int i = 0; i < this.plugins / this.categories; i += 10) {
				Files.writeString(this.dir.resolve(Fixtures.category(c) + "_" + Fixtures.pluginName(i) + ".json"),
						"{\n  \"model\": \"base\"\n}");
			}
		}
		this.store = new FileSystemPluginConfigStore(this.dir);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		Fixtures.deleteRecursively(this.dir);
	}

	@Benchmark
	public UnifiedPluginRegistry register() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.store);
		registry.setValidationEnabled(this.validation);
		for (Fixtures.StaticManager manager : this.managers) {
			registry.registerPluginManager(manager.category(), manager);
		}
		if (registry.getRegisteredPlugins().size() != this.plugins) {
			throw new UncheckedIOException(new IOException("registration lost plugins"));
		}
		return registry;
	}

}
