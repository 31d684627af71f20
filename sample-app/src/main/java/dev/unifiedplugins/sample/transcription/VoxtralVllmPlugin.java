package dev.unifiedplugins.sample.transcription;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.sample.worker.JavaCommand;
import dev.unifiedplugins.sample.worker.ProcessTrees;
import dev.unifiedplugins.sample.worker.TranscriptionWorker;
import dev.unifiedplugins.sample.worker.TranscriptionWorker.Ready;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Voxtral served the way vLLM serves it: in a worker process of its own, an HTTP front end
 * with an engine process beneath it (see {@link TranscriptionWorker}). The plugin reports
 * the worker as its child; the registry finds the engine under it.
 * <p>
 * {@link #start()} launches the tree and {@link #forceCleanup()} ends it; both are
 * idempotent and thread-safe. If this JVM dies without cleaning up, the worker leaves by
 * itself: it reads its stdin, whose other end only this JVM holds, until end of file.
 */
public class VoxtralVllmPlugin implements TranscriptionPlugin, LifecycleAwarePlugin {

	/** The plugin's name in its category. */
	public static final String NAME = "voxtral_vllm";

	static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(NAME)
		.version("1.0.0")
		.title("Voxtral (vLLM)")
		.description("Mistral's Voxtral behind a vLLM-style worker: an HTTP front end process "
				+ "with an engine process of its own.")
		.configSchema(Schemas.object("Voxtral (vLLM)", "Settings of the Voxtral worker.",
				Schemas.ordered("model", Schemas.ordered("type", "string", "title", "Model", "default",
						"mistralai/Voxtral-Mini-3B-2507"))))
		.executionMode(PluginExecutionMode.SUBPROCESS)
		.managesChildProcesses(true)
		.build();

	/** The worker serves and relays: a small heap and C1 do, and start in well under a second. */
	static final List<String> WORKER_JVM_OPTIONS = List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
			"-Xshare:auto", "-XX:-UsePerfData");

	private static final Duration STOP_GRACE = Duration.ofSeconds(5);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	private static final int STARTUP_OUTPUT_LINES = 20;

	private static final Log logger = LogFactory.getLog(VoxtralVllmPlugin.class);

	private final Duration startupTimeout;

	private final Object lifecycleMonitor = new Object();

	private final Object httpClientMonitor = new Object();

	private volatile @Nullable Worker worker;

	private volatile @Nullable HttpClient httpClient;

	/**
	 * Creates the plugin; nothing runs until {@link #start()}.
	 * @param startupTimeout how long to wait for the worker to report that it serves
	 */
	public VoxtralVllmPlugin(Duration startupTimeout) {
		Objects.requireNonNull(startupTimeout, "startupTimeout must not be null");
		if (startupTimeout.isNegative() || startupTimeout.isZero()) {
			throw new IllegalArgumentException("startupTimeout must be positive, but was " + startupTimeout);
		}
		this.startupTimeout = startupTimeout;
	}

	/**
	 * Starts the worker and waits until it serves. Does nothing when it already runs.
	 * @throws IllegalStateException when the worker cannot start or does not report ready
	 * in time; whatever it started is ended first
	 */
	public void start() {
		synchronized (this.lifecycleMonitor) {
			Worker current = this.worker;
			if (current != null && current.process().isAlive()) {
				return;
			}
			// A worker that died by itself may have left its engine behind.
			forceCleanup();
			this.worker = launch();
		}
	}

	/**
	 * Whether the worker runs.
	 * @return true while the worker process is alive
	 */
	public boolean isRunning() {
		Worker current = this.worker;
		return current != null && current.process().isAlive();
	}

	/**
	 * The worker's HTTP address.
	 * @return the base URL on the loopback interface, or empty when no worker was started
	 */
	public Optional<URI> getUrl() {
		Worker current = this.worker;
		return (current != null) ? Optional.of(current.url()) : Optional.empty();
	}

	@Override
	public String transcribe(byte[] pcm) {
		Worker current = this.worker;
		if (current == null || !current.process().isAlive()) {
			throw new IllegalStateException("The " + NAME + " worker is not running");
		}
		HttpRequest request = HttpRequest.newBuilder(current.url().resolve(TranscriptionWorker.TRANSCRIPTIONS_PATH))
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(pcm))
			.build();
		try {
			HttpResponse<String> response = httpClient().send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
			if (response.statusCode() == 400) {
				throw new IllegalArgumentException(response.body());
			}
			if (response.statusCode() != 200) {
				throw new IllegalStateException(
						"The " + NAME + " worker answered " + response.statusCode() + ": " + response.body());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not reach the " + NAME + " worker at " + current.url(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the " + NAME + " worker", ex);
		}
	}

	@Override
	public PluginExecutionMode getExecutionMode() {
		return PluginExecutionMode.SUBPROCESS;
	}

	@Override
	public List<Long> getChildPids() {
		Worker current = this.worker;
		return (current != null && current.process().isAlive()) ? List.of(current.process().pid()) : List.of();
	}

	@Override
	public Map<String, Object> getManagedResources() {
		Worker current = this.worker;
		if (current == null) {
			return Map.of("status", "stopped");
		}
		Process process = current.process();
		Map<String, Object> resources = new LinkedHashMap<>();
		resources.put("url", current.url().toString());
		resources.put("pid", process.pid());
		resources.put("enginePid", current.enginePid());
		resources.put("status", process.isAlive() ? "running" : "exited with code " + process.exitValue());
		return Collections.unmodifiableMap(resources);
	}

	/**
	 * Ends the worker's whole tree, the engine first, each within a bounded time. Does
	 * nothing when no worker was started or it was already cleaned up.
	 */
	@Override
	public void forceCleanup() {
		synchronized (this.lifecycleMonitor) {
			Worker current = this.worker;
			if (current == null) {
				return;
			}
			Process process = current.process();
			if (!ProcessTrees.terminate(process.toHandle(), STOP_GRACE)) {
				logger.warn("Processes of the " + NAME + " worker " + process.pid() + " may still be running");
			}
			try {
				process.getOutputStream().close();
			}
			catch (IOException ex) {
				// The worker is gone: there is nobody left to tell.
			}
			this.worker = null;
			logger.info("Stopped the " + NAME + " worker " + process.pid());
		}
	}

	private Worker launch() {
		List<String> command = JavaCommand.forMainClass(TranscriptionWorker.class.getName(), WORKER_JVM_OPTIONS,
				List.of());
		Process process;
		try {
			// Its stdout carries the ready report and, merged in, whatever it or its engine
			// logs: one pipe, one reader, and it can never fill up.
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start the " + NAME + " worker: " + String.join(" ", command),
					ex);
		}
		CompletableFuture<Ready> ready = new CompletableFuture<>();
		Thread relay = new Thread(() -> relayOutput(process, ready), NAME + "-worker-" + process.pid());
		relay.setDaemon(true);
		relay.start();
		try {
			Ready report = ready.get(this.startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
			Worker started = new Worker(process, URI.create("http://127.0.0.1:" + report.port()), report.enginePid());
			logger.info("Started the " + NAME + " worker " + process.pid() + " at " + started.url() + " with engine "
					+ report.enginePid());
			return started;
		}
		catch (TimeoutException ex) {
			ProcessTrees.terminate(process.toHandle(), STOP_GRACE);
			throw new IllegalStateException("The " + NAME + " worker " + process.pid()
					+ " did not report that it serves within " + this.startupTimeout, ex);
		}
		catch (ExecutionException ex) {
			ProcessTrees.terminate(process.toHandle(), STOP_GRACE);
			throw new IllegalStateException(ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			ProcessTrees.terminate(process.toHandle(), STOP_GRACE);
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting the " + NAME + " worker", ex);
		}
	}

	private void relayOutput(Process process, CompletableFuture<Ready> ready) {
		Deque<String> startupOutput = new ArrayDeque<>();
		try (BufferedReader reader = process.inputReader(StandardCharsets.UTF_8)) {
			String line;
			while ((line = reader.readLine()) != null) {
				Optional<Ready> report = ready.isDone() ? Optional.empty() : Ready.parse(line);
				if (report.isPresent()) {
					ready.complete(report.get());
					continue;
				}
				logger.info("[" + NAME + " " + process.pid() + "] " + line);
				if (!ready.isDone()) {
					startupOutput.addLast(line);
					if (startupOutput.size() > STARTUP_OUTPUT_LINES) {
						startupOutput.removeFirst();
					}
				}
			}
		}
		catch (IOException ex) {
			// The pipe broke: the worker is gone, which is all the end of output says too.
		}
		ready.completeExceptionally(new IllegalStateException("The " + NAME + " worker " + process.pid()
				+ " ended its output before it served"
				+ (startupOutput.isEmpty() ? "" : "; its last lines: " + String.join(" | ", startupOutput))));
	}

	private HttpClient httpClient() {
		HttpClient client = this.httpClient;
		if (client == null) {
			synchronized (this.httpClientMonitor) {
				client = this.httpClient;
				if (client == null) {
					// HTTP/1.1: the worker's server does not speak HTTP/2, so skip the upgrade.
					client = HttpClient.newBuilder()
						.version(HttpClient.Version.HTTP_1_1)
						.connectTimeout(Duration.ofSeconds(5))
						.build();
					this.httpClient = client;
				}
			}
		}
		return client;
	}

	private record Worker(Process process, URI url, long enginePid) {
	}

}
