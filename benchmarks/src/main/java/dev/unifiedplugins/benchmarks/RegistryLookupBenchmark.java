package dev.unifiedplugins.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.utils.PluginStats;
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
 * Reads at 10,000 plugins: {@code getPlugin} (target at least 20 M ops/s),
 * {@code getPluginsByCategory} of a category of 100 (target at most 2 µs, whatever the
 * number of other categories), {@code getAllPlugins} and {@code PluginStats.of} (target
 * at most 0.5 ms). No plugin has a loaded instance, as for most plugins of a real
 * application.
 */
@State(Scope.Benchmark)
public class RegistryLookupBenchmark {

	/**
	 * How the 9,900 plugins outside the measured category of 100 are spread: over 99
	 * categories of 100, or over 9,900 categories of 1.
	 */
	@Param({ "99", "9900" })
	int otherCategories;

	private Path dir;

	private UnifiedPluginRegistry registry;

	private String[] ids;

	private int next;

	private String measuredCategory;

	private List<PluginMetadata> registered;

	/** The floor for getPlugin: the same ids in a bare map. */
	private final Map<String, PluginMetadata> map = new ConcurrentHashMap<>();

	@Setup(Level.Trial)
	public void setUp() {
		this.dir = Fixtures.tempDir("bench-lookup");
		this.registry = new UnifiedPluginRegistry(this.dir);
		for (Fixtures.StaticManager manager : Fixtures.managers(9_900, this.otherCategories)) {
			this.registry.registerPluginManager(manager.category(), manager);
		}
		this.measuredCategory = "measured";
		this.registry.registerPluginManager(this.measuredCategory,
				new Fixtures.StaticManager(this.measuredCategory, Fixtures.descriptors(this.measuredCategory, 100)));
		this.registered = this.registry.getRegisteredPlugins();
		if (this.registered.size() != 10_000) {
			throw new IllegalStateException("expected 10,000 plugins, got " + this.registered.size());
		}
		this.ids = this.registered.stream().map(PluginMetadata::uniqueId).toArray(String[]::new);
		this.registered.forEach((plugin) -> this.map.put(plugin.uniqueId(), plugin));
		// Shuffle deterministically so that lookups do not walk the map in order.
		java.util.Random random = new java.util.Random(42);
		for (int i = this.ids.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			String t = this.ids[i];
			this.ids[i] = this.ids[j];
			this.ids[j] = t;
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		Fixtures.deleteRecursively(this.dir);
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public Optional<PluginMetadata> getPlugin() {
		int i = this.next;
		this.next = (i + 1 == this.ids.length) ? 0 : i + 1;
		return this.registry.getPlugin(this.ids[i]);
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public Optional<PluginMetadata> concurrentHashMapGet() {
		int i = this.next;
		this.next = (i + 1 == this.ids.length) ? 0 : i + 1;
		return Optional.ofNullable(this.map.get(this.ids[i]));
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public List<PluginMetadata> getPluginsByCategory() {
		return this.registry.getPluginsByCategory(this.measuredCategory);
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public List<PluginMetadata> getAllPlugins() {
		return this.registry.getAllPlugins();
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public PluginStats pluginStatsOf() {
		return PluginStats.of(this.registered);
	}

}
