package dev.unifiedplugins.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.Show;

/**
 * Heap footprint, measured without JMH: the retained heap per registered plugin (used heap
 * after full GCs, with and without a registry of N plugins, divided by N), and the used
 * heap after GC across 10,000 repeated {@code /actuator/plugins} calls, which must not
 * grow. Run it with {@code -Dbench.main=dev.unifiedplugins.benchmarks.MemoryFootprint}
 * (see BENCHMARKS.md); arguments: plugins (10000), categories (100), endpoint calls
 * (10000).
 */
public final class MemoryFootprint {

	private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

	private MemoryFootprint() {
	}

	public static void main(String[] args) throws Exception {
		int plugins = (args.length > 0) ? Integer.parseInt(args[0]) : 10_000;
		int categories = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		int calls = (args.length > 2) ? Integer.parseInt(args[2]) : 10_000;
		Path dir = Fixtures.tempDir("bench-memory");
		try {
			retainedPerPlugin(dir, plugins, categories);
			endpointCalls(dir, plugins, categories, calls);
		}
		finally {
			Fixtures.deleteRecursively(dir);
		}
	}

	private static void retainedPerPlugin(Path dir, int plugins, int categories) throws InterruptedException {
		// Warm up the code paths so that class loading is not counted as plugin data.
		Reference.reachabilityFence(register(dir, 200, 2));
		List<Long> samples = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			long before = usedAfterGc();
			UnifiedPluginRegistry registry = register(dir, plugins, categories);
			long after = usedAfterGc();
			Reference.reachabilityFence(registry);
			samples.add(after - before);
			registry = null;
		}
		samples.sort(null);
		long median = samples.get(1);
		System.out.printf("retained heap: %d plugins in %d categories: %,d bytes in all (median of %s), %,d bytes per plugin%n",
				plugins, categories, median, samples, median / plugins);
	}

	private static void endpointCalls(Path dir, int plugins, int categories, int calls) throws InterruptedException {
		UnifiedPluginRegistry registry = register(dir, plugins, categories);
		try (BoundedCalls pool = new BoundedCalls("memory-plugins-call-", 32)) {
			PluginInspector inspector = new PluginInspector(registry, pool, Duration.ofSeconds(2));
			PluginsEndpoint endpoint = new PluginsEndpoint(registry, inspector, new Sanitizer(List.of()), Show.NEVER,
					Set.of(), 1.0, null);
			JsonMapper mapper = JsonMapper.builder().build();
			long bytes = 0;
			// What the endpoint keeps after its first call (its serialized entries), then warm
			// up and sample the used heap after GC every tenth of the calls.
			long beforeFirstCall = usedAfterGc();
			bytes += mapper.writeValueAsBytes(endpoint.plugins(null)).length;
			long afterFirstCall = usedAfterGc();
			System.out.printf("endpoint: retained after its first call over %d plugins: %,d bytes, %,d bytes per plugin%n",
					plugins, afterFirstCall - beforeFirstCall, (afterFirstCall - beforeFirstCall) / plugins);
			for (int i = 0; i < 200; i++) {
				bytes += mapper.writeValueAsBytes(endpoint.plugins(null)).length;
			}
			List<Long> used = new ArrayList<>();
			used.add(usedAfterGc());
			int step = Math.max(1, calls / 10);
			long start = System.nanoTime();
			for (int i = 1; i <= calls; i++) {
				bytes += mapper.writeValueAsBytes(endpoint.plugins(null)).length;
				if (i % step == 0) {
					used.add(usedAfterGc());
				}
			}
			long elapsed = System.nanoTime() - start;
			long first = used.get(0);
			long last = used.get(used.size() - 1);
			long max = used.stream().mapToLong(Long::longValue).max().orElse(first);
			System.out.printf("endpoint: %,d calls over %d plugins (%,d bytes serialized, %.1f s incl. GCs)%n", calls,
					plugins, bytes, elapsed / 1e9);
			System.out.printf("used heap after GC, every %,d calls (KiB): %s%n", step,
					used.stream().map((u) -> Long.toString(u / 1024)).toList());
			System.out.printf("growth first->last: %+,d bytes (%+.3f%%), max above first: %+,d bytes%n", last - first,
					100.0 * (last - first) / first, max - first);
		}
		Reference.reachabilityFence(registry);
	}

	private static UnifiedPluginRegistry register(Path dir, int plugins, int categories) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(dir);
		int per = plugins / categories;
		for (int c = 0; c < categories; c++) {
			String category = Fixtures.category(c);
			registry.registerPluginManager(category, new GeneratingManager(category, per));
		}
		return registry;
	}

	private static long usedAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			Thread.sleep(50);
			used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	/**
	 * Builds its descriptors on each discovery and keeps none, so that only what the
	 * registry retains is measured.
	 */
	private record GeneratingManager(String category, int count) implements PluginManager {

		@Override
		public List<PluginDescriptor> discoverPlugins() {
			return Fixtures.descriptors(this.category, this.count);
		}

	}

}
