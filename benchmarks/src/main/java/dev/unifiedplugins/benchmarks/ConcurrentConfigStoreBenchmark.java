package dev.unifiedplugins.benchmarks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link ConfigStoreBenchmark}'s durable save and floors with four threads, each saving its
 * own plugin's 1 KB configuration into the same directory: the file system can then
 * share one journal commit between several fsyncs, the directory's included. Scores are
 * the sum over the threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class ConcurrentConfigStoreBenchmark {

	/** The registry and directory all threads share. */
	@State(Scope.Benchmark)
	public static class Shared {

		Path dir;

		UnifiedPluginRegistry registry;

		Map<String, Object> config;

		byte[] bytes;

		final AtomicInteger threads = new AtomicInteger();

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			this.dir = Fixtures.tempDir("bench-config-concurrent");
			this.registry = new UnifiedPluginRegistry(this.dir);
			this.config = ConfigStoreBenchmark.config();
			this.registry.savePluginConfig("probe", this.config);
			this.bytes = Files.readAllBytes(this.dir.resolve("probe.json"));
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			Fixtures.deleteRecursively(this.dir);
		}

	}

	/** What one thread writes: its own plugin id and floor files. */
	@State(Scope.Thread)
	public static class Writer {

		String id;

		Path floorTemp;

		Path floorTarget;

		@Setup(Level.Trial)
		public void setUp(Shared shared) {
			int thread = shared.threads.incrementAndGet();
			this.id = "transcription_whisper_" + thread;
			this.floorTemp = shared.dir.resolve(".floor-" + thread + ".json.tmp");
			this.floorTarget = shared.dir.resolve("floor-" + thread + ".json");
		}

	}

	@Benchmark
	public boolean registrySave(Shared shared, Writer writer) {
		return shared.registry.savePluginConfig(writer.id, shared.config);
	}

	@Benchmark
	public void floorWriteFsyncRename(Shared shared, Writer writer) throws IOException {
		Fixtures.writeAndFsync(writer.floorTemp, shared.bytes);
		Files.move(writer.floorTemp, writer.floorTarget, StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);
	}

	@Benchmark
	public void floorWriteFsyncRenameDirSync(Shared shared, Writer writer) throws IOException {
		floorWriteFsyncRename(shared, writer);
		try (FileChannel channel = FileChannel.open(shared.dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

}
