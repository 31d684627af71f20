package dev.unifiedplugins.sample.worker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.processes.ProcessTable;
import dev.unifiedplugins.sample.worker.TranscriptionWorker.Ready;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.unifiedplugins.sample.ProcessAssertions.awaitGone;
import static dev.unifiedplugins.sample.ProcessAssertions.tone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TranscriptionWorker}, launched directly as the plugin launches it.
 */
class TranscriptionWorkerTests {

	private final List<Process> launched = new ArrayList<>();

	@AfterEach
	void endLaunchedWorkers() {
		this.launched.forEach((process) -> ProcessTrees.terminate(process.toHandle(), Duration.ofSeconds(5)));
	}

	@Test
	void workerAndEngineExitWhenTheWorkersInputCloses() throws Exception {
		Process worker = launch();
		Ready ready = awaitReady(worker);
		assertThat(ProcessTable.isRunning(ready.enginePid())).isTrue();
		worker.getOutputStream().close();
		awaitGone(List.of(worker.pid(), ready.enginePid()));
	}

	@Test
	void engineExitsWhenItsWorkerIsKilled() throws Exception {
		Process worker = launch();
		Ready ready = awaitReady(worker);
		// SIGKILL runs no shutdown hook: only the end of its input tells the engine.
		worker.destroyForcibly();
		awaitGone(List.of(worker.pid(), ready.enginePid()));
	}

	@Test
	void engineAnswersOneLinePerClip() throws IOException {
		String requests = Base64.getEncoder().encodeToString(tone(0.5)) + "\n" + "AA==\n";
		ByteArrayOutputStream answers = new ByteArrayOutputStream();
		TranscriptionWorker.runEngine(new ByteArrayInputStream(requests.getBytes(StandardCharsets.UTF_8)),
				new PrintStream(answers, true, StandardCharsets.UTF_8));
		assertThat(answers.toString(StandardCharsets.UTF_8).lines()).containsExactly("OK [0.50 s of speech]",
				"ERR 16-bit PCM needs an even number of bytes, but the clip has 1");
	}

	@Test
	void readyLineRoundTrips() {
		Ready ready = new Ready(41234, 4242);
		assertThat(Ready.parse(ready.format())).contains(ready);
		assertThat(Ready.parse("Serving http://127.0.0.1:41234")).isEmpty();
	}

	private Process launch() throws IOException {
		List<String> command = JavaCommand.forMainClass(TranscriptionWorker.class.getName(),
				TranscriptionWorker.ENGINE_JVM_OPTIONS, List.of());
		Process process = new ProcessBuilder(command).redirectError(Redirect.DISCARD).start();
		this.launched.add(process);
		return process;
	}

	private static Ready awaitReady(Process worker) throws Exception {
		String line = CompletableFuture.supplyAsync(() -> {
			try {
				return worker.inputReader(StandardCharsets.UTF_8).readLine();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(60, TimeUnit.SECONDS);
		assertThat(line).as("first line of the worker's output").isNotNull();
		return Ready.parse(line).orElseThrow(() -> new AssertionError("Not a ready line: " + line));
	}

}
