package dev.unifiedplugins.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.ChildProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety of {@link FileSystemPluginConfigStore}: a writer JVM killed with SIGKILL in
 * the middle of its writes never leaves a torn configuration, its temporary files are
 * never taken for configurations, and the next store to open the directory removes them;
 * its history still ends with the config file and lists only revisions that load.
 */
class ConfigStoreCrashSafetyTests {

	private static final int ROUNDS = 20;

	@TempDir
	Path dir;

	private final ChildProcesses processes = new ChildProcesses();

	@AfterEach
	void killChildren() {
		this.processes.killAll();
	}

	@Test
	void writerKilledMidWriteNeverLeavesATornConfigAndItsTempFilesAreRemovedAtNextStart() throws Exception {
		// Opened before any writer runs, so its own start-up cleanup cannot hide a temp file.
		FileSystemPluginConfigStore observer = new FileSystemPluginConfigStore(this.dir);
		int roundsWithLeftovers = 0;
		for (int round = 1; round <= ROUNDS; round++) {
			ChildProcesses.ChildJvm writer = this.processes.startJvm(ConfigWriterMain.class, this.dir.toString(),
					Integer.toString(round));
			writer.awaitLine("STARTED");
			Thread.sleep(ThreadLocalRandom.current().nextInt(10, 300));
			writer.kill9();

			List<String> leftovers = tempFiles();
			if (!leftovers.isEmpty()) {
				roundsWithLeftovers++;
				// The temp file name embeds the writer's PID, which is how the next start knows
				// its writer is dead.
				assertThat(leftovers).allSatisfy((name) -> assertThat(name).contains("." + writer.pid() + "."));
			}
			assertEveryConfigIsOneCompleteVersion(observer, round);
			assertRegistrationSeesExactlyTheCompleteFiles(observer);
			assertTheHistoryEndsWithTheConfigAndEveryRevisionLoads(observer, round);

			new FileSystemPluginConfigStore(this.dir);
			assertThat(tempFiles()).as("temp files after the next start, round %d", round).isEmpty();
			assertEveryConfigIsOneCompleteVersion(observer, round);
		}
		assertThat(observer.ids()).as("the writers saved something").isNotEmpty();
		System.out.println(getClass().getSimpleName() + ": " + roundsWithLeftovers + " of " + ROUNDS
				+ " kills left a temporary file behind");
	}

	@Test
	void tempFileOfALiveWriterIsKeptAndOfADeadWriterRemoved() throws Exception {
		long dead = ChildProcesses.deadPid();
		long live = this.processes.startSleep().pid();
		Path deadTemp = Files.writeString(this.dir.resolve(".crash_a.json." + dead + ".k3j2h1.tmp"), "{\"half\": ");
		Path liveTemp = Files.writeString(this.dir.resolve(".crash_b.json." + live + ".a1b2c3.tmp"), "{\"half\": ");

		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);

		assertThat(deadTemp).doesNotExist();
		assertThat(liveTemp).as("a live writer may still rename its temp file").exists();
		assertThat(store.ids()).isEmpty();
		assertThat(store.exists("crash_b")).isFalse();
	}

	@Test
	void filesThatAreNotItsTempFilesAreLeftAlone() throws Exception {
		// Without a writer PID in the name, the store cannot tell whose file it is.
		Path foreign = Files.writeString(this.dir.resolve(".managed-processes.1-2.json.tmp"), "{}");
		Path notes = Files.writeString(this.dir.resolve(".notes.json.backup.tmp"), "{}");

		new FileSystemPluginConfigStore(this.dir);

		assertThat(foreign).exists();
		assertThat(notes).exists();
	}

	private void assertEveryConfigIsOneCompleteVersion(FileSystemPluginConfigStore store, int round) {
		Set<String> ids = store.ids();
		assertThat(ids).as("stored ids, round %d", round).isSubsetOf(ConfigWriterMain.IDS);
		for (String id : ids) {
			Map<String, Object> config = store.load(id).orElseThrow();
			assertThat(config).as("%s, round %d", id, round).containsOnlyKeys("round", "seq", "payload", "check");
			long seq = ((Number) config.get("seq")).longValue();
			assertThat(((Number) config.get("check")).longValue()).as("%s check", id).isEqualTo(seq);
			assertThat(((Number) config.get("round")).intValue()).as("%s round", id).isBetween(1, round);
			assertThat(config.get("payload")).as("%s payload", id)
				.isEqualTo(Long.toString(seq).repeat(ConfigWriterMain.PAYLOAD_REPEATS));
		}
	}

	/**
	 * Whatever the kill interrupted, a plugin's newest entry is its config file, and every
	 * revision the history lists loads as one complete version.
	 */
	private void assertTheHistoryEndsWithTheConfigAndEveryRevisionLoads(FileSystemPluginConfigStore store,
			int round) {
		for (String id : store.ids()) {
			List<ConfigRevision> history = store.history(id);
			assertThat(history).as("%s history, round %d", id, round)
				.hasSizeBetween(1, FileSystemPluginConfigStore.DEFAULT_HISTORY_SIZE);
			assertThat(history.get(0).revision()).as("%s newest entry, round %d", id, round)
				.isEqualTo(store.loadStored(id).orElseThrow().revision());
			for (ConfigRevision entry : history) {
				Map<String, Object> config = store.loadRevision(id, entry.revision()).orElseThrow().config();
				assertThat(((Number) config.get("check")).longValue()).as("%s %s", id, entry.revision())
					.isEqualTo(((Number) config.get("seq")).longValue());
			}
		}
	}

	private void assertRegistrationSeesExactlyTheCompleteFiles(FileSystemPluginConfigStore store) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(store);
		PluginManager manager = () -> Stream.of("a", "b", "c", "d")
			.map((name) -> PluginDescriptor.builder(name).build())
			.toList();
		List<PluginMetadata> plugins = registry.registerPluginManager("crash", manager);
		assertThat(plugins).hasSize(4);
		for (PluginMetadata plugin : plugins) {
			assertThat(plugin.configured()).as("%s configured", plugin.uniqueId())
				.isEqualTo(Files.isRegularFile(this.dir.resolve(plugin.uniqueId() + ".json")));
		}
		assertThat(registry.getAllPlugins()).hasSize(4);
	}

	private List<String> tempFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.map((file) -> file.getFileName().toString()).filter((name) -> name.endsWith(".tmp")).toList();
		}
	}

}
