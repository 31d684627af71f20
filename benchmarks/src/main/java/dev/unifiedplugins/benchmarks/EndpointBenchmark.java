package dev.unifiedplugins.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
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
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.Show;

/**
 * Building and serializing the {@code /actuator/plugins} body for 1,000 and 10,000
 * plugins (100 per category), beside the floor: the same Jackson 3 mapper serializing an
 * equivalent {@code Map}. Target at 1,000 plugins: at most 2x the floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EndpointBenchmark {

	@Param({ "1000", "10000" })
	int plugins;

	private Path dir;

	private BoundedCalls calls;

	private PluginsEndpoint endpoint;

	private JsonMapper mapper;

	private Map<String, Object> equivalent;

	@Setup(Level.Trial)
	public void setUp() {
		this.dir = Fixtures.tempDir("bench-endpoint");
		UnifiedPluginRegistry registry = Fixtures.registry(this.dir, this.plugins, this.plugins / 100);
		this.calls = new BoundedCalls("bench-plugins-call-", 32);
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(2));
		this.endpoint = new PluginsEndpoint(registry, inspector, new Sanitizer(List.of()), Show.NEVER, Set.of(), 1.0,
				null);
		this.mapper = JsonMapper.builder().build();
		byte[] body = this.mapper.writeValueAsBytes(this.endpoint.plugins(null));
		@SuppressWarnings("unchecked")
		Map<String, Object> map = this.mapper.readValue(body, LinkedHashMap.class);
		this.equivalent = map;
		byte[] floor = this.mapper.writeValueAsBytes(this.equivalent);
		if (floor.length != body.length) {
			throw new IllegalStateException("the equivalent map serializes to " + floor.length
					+ " bytes, the endpoint body to " + body.length);
		}
		System.out.println("\n/actuator/plugins body for " + this.plugins + " plugins: " + body.length + " bytes");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.calls.close();
		Fixtures.deleteRecursively(this.dir);
	}

	/** What a request costs the application: build the body and serialize it. */
	@Benchmark
	public byte[] endpointBuildAndSerialize() {
		return this.mapper.writeValueAsBytes(this.endpoint.plugins(null));
	}

	/** Building the body only. */
	@Benchmark
	public Object endpointBuildOnly() {
		return this.endpoint.plugins(null);
	}

	/** The floor: Jackson alone, serializing an equivalent map. */
	@Benchmark
	public byte[] jacksonAloneEquivalentMap() {
		return this.mapper.writeValueAsBytes(this.equivalent);
	}

}
