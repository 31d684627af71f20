package dev.unifiedplugins.benchmarks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
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

/**
 * Durable save and load of a 1 KB configuration, beside the floor: a bare write, fsync and
 * atomic rename of the same bytes. Target: save at least 80% of the floor's throughput.
 * The directory is a temporary one, on the file system of {@code java.io.tmpdir}
 * (override with {@code -Djava.io.tmpdir=...} in the JVM arguments to measure another).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConfigStoreBenchmark {

	private static final String ID = "transcription_whisper_large";

	private Path dir;

	private FileSystemPluginConfigStore store;

	private UnifiedPluginRegistry registry;

	private Map<String, Object> config;

	private byte[] bytes;

	private Path floorTemp;

	private Path floorTarget;

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		this.dir = Fixtures.tempDir("bench-config");
		this.store = new FileSystemPluginConfigStore(this.dir);
		this.registry = new UnifiedPluginRegistry(this.store);
		this.config = config();
		this.store.save(ID, this.config);
		this.bytes = Files.readAllBytes(this.store.pathOf(ID));
		if (this.bytes.length < 950 || this.bytes.length > 1100) {
			throw new IllegalStateException("config is " + this.bytes.length + " bytes, not about 1 KB");
		}
		this.floorTemp = this.dir.resolve(".floor.json.tmp");
		this.floorTarget = this.dir.resolve("floor.json");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		Fixtures.deleteRecursively(this.dir);
	}

	/** A configuration that serializes to about 1 KB of pretty-printed JSON. */
	static Map<String, Object> config() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("model", "whisper-large-v3");
		config.put("device", "cuda");
		config.put("compute_type", "float16");
		config.put("language", "en");
		config.put("beam_size", 5);
		config.put("temperature", 0.2);
		config.put("vad_filter", true);
		config.put("word_timestamps", false);
		config.put("initial_prompt", "Transcribe the following meeting recording verbatim, keeping filler words.");
		config.put("api_key", "sk-0123456789abcdef0123456789abcdef");
		config.put("endpoint", "https://inference.example.com/v1/audio/transcriptions");
		Map<String, Object> server = new LinkedHashMap<>();
		server.put("host", "127.0.0.1");
		server.put("port", 8001);
		server.put("gpu_memory_utilization", 0.85);
		server.put("max_model_len", 32768);
		server.put("tensor_parallel_size", 1);
		server.put("extra_args", List.of("--enforce-eager", "--disable-log-requests", "--trust-remote-code"));
		config.put("server", server);
		config.put("suppress_tokens", List.of(-1, 50257, 50358, 50359, 50360, 50361, 50362));
		Map<String, Object> output = new LinkedHashMap<>();
		output.put("format", "srt");
		output.put("directory", "/var/lib/transcripts/output");
		output.put("max_line_width", 42);
		output.put("max_line_count", 2);
		output.put("highlight_words", false);
		config.put("output", output);
		config.put("notes", "Benchmark configuration of about one kilobyte, typical of a model plugin...");
		return config;
	}

	@Benchmark
	public void storeSave() {
		this.store.save(ID, this.config);
	}

	@Benchmark
	public boolean registrySave() {
		return this.registry.savePluginConfig(ID, this.config);
	}

	@Benchmark
	public Optional<Map<String, Object>> storeLoad() {
		return this.store.load(ID);
	}

	/** The floor: write the same bytes to a temporary file, fsync it, rename it atomically. */
	@Benchmark
	public void floorWriteFsyncRename() throws IOException {
		writeFsync();
		Files.move(this.floorTemp, this.floorTarget, StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);
	}

	/** The floor plus an fsync of the directory, which makes the rename itself durable. */
	@Benchmark
	public void floorWriteFsyncRenameDirSync() throws IOException {
		floorWriteFsyncRename();
		try (FileChannel channel = FileChannel.open(this.dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

	private void writeFsync() throws IOException {
		Fixtures.writeAndFsync(this.floorTemp, this.bytes);
	}

}
