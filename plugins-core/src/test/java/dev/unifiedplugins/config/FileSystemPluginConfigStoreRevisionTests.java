package dev.unifiedplugins.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.testsupport.ChildProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Revisions of the file store: a checked save writes only over the revision its caller
 * read, across threads and processes, and whoever else changed the file.
 */
class FileSystemPluginConfigStoreRevisionTests {

	@TempDir
	Path dir;

	private final ChildProcesses processes = new ChildProcesses();

	@AfterEach
	void killChildren() {
		this.processes.killAll();
	}

	@Test
	void aSaveReturnsTheRevisionALoadReads() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String first = store.save("llm_gpt", Map.of("model", "a"), ExpectedRevision.none());
		assertThat(store.loadStored("llm_gpt")).hasValueSatisfying((stored) -> {
			assertThat(stored.revision()).isEqualTo(first);
			assertThat(stored.config()).containsEntry("model", "a");
		});
		String second = store.save("llm_gpt", Map.of("model", "b"), ExpectedRevision.of(first));
		assertThat(second).isNotEqualTo(first);
		assertThat(store.revisions()).containsExactly(Map.entry("llm_gpt", second));
	}

	@Test
	void aStaleRevisionIsAConflictThatNamesBothAndWritesNothing() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String read = store.save("llm_gpt", Map.of("token", "first-secret"), ExpectedRevision.any());
		String current = store.save("llm_gpt", Map.of("token", "second-secret"), ExpectedRevision.any());
		byte[] before = Files.readAllBytes(store.pathOf("llm_gpt"));
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_gpt", Map.of("token", "third-secret"), ExpectedRevision.of(read)))
			.withMessageContaining("llm_gpt")
			.withMessageContaining(read)
			.withMessageContaining(current)
			.withMessageNotContaining("secret")
			.satisfies((ex) -> assertThat(ex.getActual()).isEqualTo(current));
		assertThat(Files.readAllBytes(store.pathOf("llm_gpt"))).isEqualTo(before);
	}

	@Test
	void expectingNoneFailsWhenAConfigurationExistsAndARevisionFailsWhenItWasDeleted() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String revision = store.save("llm_gpt", Map.of("k", 1), ExpectedRevision.none());
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_gpt", Map.of("k", 2), ExpectedRevision.none()));
		store.delete("llm_gpt");
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_gpt", Map.of("k", 3), ExpectedRevision.of(revision)))
			.satisfies((ex) -> assertThat(ex.getActual()).isNull());
		assertThat(store.exists("llm_gpt")).isFalse();
	}

	@Test
	void revisionsFollowAFileEditedInPlaceAtTheSameSize() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.save("llm_gpt", Map.of("model", "a"), ExpectedRevision.any());
		Path file = store.pathOf("llm_gpt");
		String before = store.revisions().get("llm_gpt");
		assertThat(store.revisions()).containsEntry("llm_gpt", before);
		FileTime modified = Files.getLastModifiedTime(file);
		// The same bytes but one, in place (same file key and size), as an editor may write.
		Files.writeString(file, Files.readString(file).replace("\"a\"", "\"b\""));
		Files.setLastModifiedTime(file, FileTime.fromMillis(modified.toMillis() + 2_000));
		assertThat(store.revisions().get("llm_gpt")).isNotEqualTo(before)
			.isEqualTo(store.loadStored("llm_gpt").orElseThrow().revision());
	}

	@Test
	void aFileReplacedByAnotherProgramIsAConflict() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String read = store.save("llm_gpt", Map.of("model", "a"), ExpectedRevision.any());
		// As the Python library or a person would write it.
		Files.writeString(store.pathOf("llm_gpt"), "{\n  \"model\": \"python\"\n}");
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_gpt", Map.of("model", "b"), ExpectedRevision.of(read)));
		assertThat(store.load("llm_gpt")).hasValue(Map.of("model", "python"));
	}

	@Test
	void checkedReadModifyWritesFromManyThreadsLoseNoUpdate() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<Integer>> workers = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				// Each thread its own store object, as separate registries would have.
				FileSystemPluginConfigStore own = new FileSystemPluginConfigStore(this.dir);
				workers.add(pool.submit(() -> CounterIncrementerMain.increment(own, "llm_counter", 50)));
			}
			for (Future<Integer> worker : workers) {
				worker.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(store.load("llm_counter").orElseThrow().get("count")).isEqualTo(200);
	}

	@Test
	void checkedReadModifyWritesFromSeveralProcessesLoseNoUpdate() throws Exception {
		List<ChildProcesses.ChildJvm> writers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			writers.add(this.processes.startJvm(CounterIncrementerMain.class, this.dir.toString(), "llm_counter", "40"));
		}
		int conflicts = 0;
		for (ChildProcesses.ChildJvm writer : writers) {
			conflicts += Integer.parseInt(writer.awaitLine("DONE").substring("DONE ".length()));
		}
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		assertThat(store.load("llm_counter").orElseThrow().get("count")).as("after %d conflicts", conflicts)
			.isEqualTo(120);
	}

}
