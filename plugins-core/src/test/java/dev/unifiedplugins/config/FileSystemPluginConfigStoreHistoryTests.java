package dev.unifiedplugins.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.unifiedplugins.processes.ThisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The history of the file store, on real files: newest first, bounded, deletions included,
 * with writer and time; kept beside the config files where the Python library looks for
 * nothing; what a change made outside and a torn entry leave.
 */
class FileSystemPluginConfigStoreHistoryTests {

	private static final String ID = "llm_gpt";

	@TempDir
	Path dir;

	@Test
	void historyListsEveryRevisionNewestFirstWithWriterAndTime() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		Instant before = Instant.now();
		String first = store.save(ID, Map.of("model", "a"), ExpectedRevision.any());
		String second = store.save(ID, Map.of("model", "b"), ExpectedRevision.of(first));
		String third = store.save(ID, Map.of("model", "c"), ExpectedRevision.any());
		Instant after = Instant.now();

		List<ConfigRevision> history = store.history(ID);

		assertThat(history).extracting(ConfigRevision::revision).containsExactly(third, second, first);
		assertThat(history).allSatisfy((entry) -> {
			assertThat(entry.writtenBy()).isEqualTo(ThisProcess.name()).isEqualTo(store.getInstanceName());
			assertThat(entry.writtenAt()).isBetween(before, after);
			assertThat(entry.deleted()).isFalse();
		});
		assertThat(history.get(0).writtenAt()).isAfterOrEqualTo(history.get(1).writtenAt());
		assertThat(store.history("llm_other")).isEmpty();
	}

	@Test
	void aRevisionLoadsAsItWasSecretsIncluded() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String first = store.save(ID, Map.of("api_key", "sk-first", "nested", Map.of("token", "t-1")),
				ExpectedRevision.any());
		store.save(ID, Map.of("api_key", "sk-second"), ExpectedRevision.any());

		assertThat(store.loadRevision(ID, first)).hasValueSatisfying((stored) -> {
			assertThat(stored.revision()).isEqualTo(first);
			assertThat(stored.config()).isEqualTo(Map.of("api_key", "sk-first", "nested", Map.of("token", "t-1")));
		});
		assertThat(store.loadRevision(ID, "0123456789abcdef0123456789abcdef")).isEmpty();
		assertThat(store.loadRevision("llm_other", first)).isEmpty();
	}

	@Test
	void whatAStoreRemembersOfItsWritesGoesWithPluginsDeletedElsewhere() {
		FileSystemPluginConfigStore writer = new FileSystemPluginConfigStore(this.dir);
		FileSystemPluginConfigStore other = new FileSystemPluginConfigStore(this.dir);
		for (int i = 0; i < 200; i++) {
			writer.save("llm_plugin" + i, Map.of("v", i));
			other.delete("llm_plugin" + i);
		}
		writer.save(ID, Map.of("v", 1));
		// What a watcher does every rescan interval.
		writer.revisions();
		assertThat(writer.rememberedWrites()).isOne();
		assertThat(writer.history("llm_plugin199")).extracting(ConfigRevision::deleted).containsExactly(true, false);
	}

	@Test
	void historyIsBoundedAtItsSizeInTheListAndOnDisk() throws IOException {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.setHistorySize(3);
		String[] revisions = new String[8];
		for (int i = 0; i < revisions.length; i++) {
			revisions[i] = store.save(ID, Map.of("round", i), ExpectedRevision.any());
		}

		assertThat(store.history(ID)).extracting(ConfigRevision::revision)
			.containsExactly(revisions[7], revisions[6], revisions[5]);
		assertThat(historyFiles(ID)).hasSize(3);
		assertThat(store.loadRevision(ID, revisions[4])).isEmpty();
		for (int i = 5; i < revisions.length; i++) {
			Map<String, Object> round = Map.of("round", i);
			assertThat(store.loadRevision(ID, revisions[i])).as("round %d, in a reused file", i)
				.hasValueSatisfying((stored) -> assertThat(stored.config()).isEqualTo(round));
		}

		store.setHistorySize(1);
		store.save(ID, Map.of("round", 8), ExpectedRevision.any());
		assertThat(historyFiles(ID)).hasSize(1);
		assertThat(store.history(ID)).hasSize(1);
	}

	@Test
	void deletionsAreEntriesWithoutAConfiguration() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String first = store.save(ID, Map.of("model", "a"), ExpectedRevision.any());
		assertThat(store.delete(ID)).isTrue();
		assertThat(store.delete(ID)).as("nothing left to delete").isFalse();
		String second = store.save(ID, Map.of("model", "b"), ExpectedRevision.none());

		List<ConfigRevision> history = store.history(ID);

		assertThat(history).extracting(ConfigRevision::deleted).containsExactly(false, true, false);
		assertThat(history.get(0).revision()).isEqualTo(second);
		assertThat(history.get(2).revision()).isEqualTo(first);
		ConfigRevision deletion = history.get(1);
		assertThat(deletion.revision()).startsWith("deleted-").isNotEqualTo(first).isNotEqualTo(second);
		assertThat(deletion.writtenBy()).isEqualTo(store.getInstanceName());
		assertThat(store.loadRevision(ID, deletion.revision())).isEmpty();
	}

	@Test
	void thePythonLibrarySeesOnlyTheConfigFilesItKnows() throws IOException {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.save(ID, Map.of("model", "a"), ExpectedRevision.any());
		store.save(ID, Map.of("model", "b"), ExpectedRevision.any());
		store.save("llm_other", Map.of("model", "x"), ExpectedRevision.any());
		store.delete("llm_other");

		try (Stream<Path> entries = Files.list(this.dir)) {
			assertThat(entries.filter((entry) -> !entry.getFileName().toString().startsWith("."))
				.map((entry) -> entry.getFileName().toString())).containsExactly(ID + ".json");
		}
		try (Stream<Path> entries = Files.list(this.dir)) {
			assertThat(entries.filter(Files::isRegularFile).map((entry) -> entry.getFileName().toString()))
				.as("no other file beside the config files").containsExactly(ID + ".json");
		}
		assertThat(ConfigJson.parse("test", null, Files.readAllBytes(store.pathOf(ID))))
			.isEqualTo(Map.of("model", "b"));
		assertThat(store.ids()).containsExactly(ID);
		assertThat(store.history("llm_other")).extracting(ConfigRevision::deleted).containsExactly(true, false);
	}

	@Test
	void aChangeMadeOutsideIsShownAsWrittenByNobodyKnownAndKeptByTheNextSave() throws IOException {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String ours = store.save(ID, Map.of("model", "a"), ExpectedRevision.any());
		// The Python library writes json.dump(config, f, indent=4) in place.
		Files.writeString(store.pathOf(ID), "{\n    \"model\": \"python\",\n    \"api_key\": \"sk-python\"\n}");
		Instant modified = Instant.parse("2026-01-02T03:04:05Z");
		Files.setLastModifiedTime(store.pathOf(ID), FileTime.from(modified));
		String outside = store.loadStored(ID).orElseThrow().revision();

		assertThat(store.history(ID)).containsExactly(new ConfigRevision(outside, modified, null, false),
				new ConfigRevision(ours, store.history(ID).get(1).writtenAt(), store.getInstanceName(), false));

		String next = store.save(ID, Map.of("model", "b"), ExpectedRevision.any());

		assertThat(store.history(ID)).extracting(ConfigRevision::revision).containsExactly(next, outside, ours);
		assertThat(store.history(ID).get(1)).isEqualTo(new ConfigRevision(outside, modified, null, false));
		assertThat(store.loadRevision(ID, outside)).hasValueSatisfying(
				(stored) -> assertThat(stored.config()).isEqualTo(Map.of("model", "python", "api_key", "sk-python")));
	}

	@Test
	void aFileDeletedOutsideIsRecordedAsADeletionByTheNextWrite() throws IOException {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String first = store.save(ID, Map.of("model", "a"), ExpectedRevision.any());
		Files.delete(store.pathOf(ID));

		String second = store.save(ID, Map.of("model", "b"), ExpectedRevision.none());

		List<ConfigRevision> history = store.history(ID);
		assertThat(history).extracting(ConfigRevision::revision).startsWith(second).endsWith(first);
		assertThat(history.get(1).deleted()).isTrue();
		assertThat(history.get(1).writtenBy()).isNull();
	}

	@Test
	void aTornNewestEntryIsLeftOutAndTheConfigFileTakesItsPlace() throws IOException {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		String first = store.save(ID, Map.of("model", "a"), ExpectedRevision.any());
		String second = store.save(ID, Map.of("model", "b", "payload", "x".repeat(2000)), ExpectedRevision.any());
		Path newest = historyFiles(ID).get(historyFiles(ID).size() - 1);
		assertThat(Files.readString(newest)).contains("\"revision\": \"" + second + "\"");

		// What a power loss may leave of an entry that was never flushed: its start.
		try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE)) {
			channel.truncate(Files.size(newest) / 2);
		}

		// Its header is whole: who wrote it is known; its bytes are not, the config file's are.
		List<ConfigRevision> history = store.history(ID);
		assertThat(history).extracting(ConfigRevision::revision).containsExactly(second, first);
		assertThat(history.get(0).writtenBy()).isEqualTo(store.getInstanceName());
		assertThat(store.loadRevision(ID, second)).hasValueSatisfying(
				(stored) -> assertThat(stored.config()).containsEntry("model", "b"));
		assertThat(store.loadRevision(ID, first)).hasValueSatisfying(
				(stored) -> assertThat(stored.config()).isEqualTo(Map.of("model", "a")));

		// Emptied, as a file system that allocates late may leave it: the config file is the
		// newest entry, its writer unknown. (So is one whose header a crash tore.)
		Files.write(newest, new byte[0]);
		history = store.history(ID);
		assertThat(history).extracting(ConfigRevision::revision).containsExactly(second, first);
		assertThat(history.get(0).writtenBy()).isNull();

		// The next save after the restart replaces the torn entry with the config file it stood for.
		FileSystemPluginConfigStore restarted = new FileSystemPluginConfigStore(this.dir);
		String third = restarted.save(ID, Map.of("model", "c"), ExpectedRevision.of(second));
		history = store.history(ID);
		assertThat(history).extracting(ConfigRevision::revision).containsExactly(third, second, first);
		assertThat(history.get(1).writtenBy()).isNull();
		assertThat(store.loadRevision(ID, second)).hasValueSatisfying(
				(stored) -> assertThat(stored.config()).containsEntry("model", "b"));
		assertThat(historyFiles(ID)).hasSize(3);
	}

	@Test
	void anEntryTornWhileWrittenOverTheOldestIsLeftOutAndItsFileReused() throws IOException {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.setHistorySize(3);
		String[] revisions = new String[5];
		for (int i = 0; i < revisions.length; i++) {
			revisions[i] = store.save(ID, Map.of("round", i), ExpectedRevision.any());
		}
		// A full history writes over its oldest entry: a crash in between leaves its start.
		Path oldest = historyFiles(ID).stream()
			.filter((file) -> readString(file).contains("\"revision\": \"" + revisions[2] + "\""))
			.findFirst()
			.orElseThrow();
		Files.writeString(oldest, "{\n  \"sequ");

		assertThat(store.history(ID)).extracting(ConfigRevision::revision).containsExactly(revisions[4], revisions[3]);

		FileSystemPluginConfigStore restarted = new FileSystemPluginConfigStore(this.dir);
		restarted.setHistorySize(3);
		String next = restarted.save(ID, Map.of("round", 5), ExpectedRevision.any());
		assertThat(restarted.history(ID)).extracting(ConfigRevision::revision)
			.containsExactly(next, revisions[4], revisions[3]);
		assertThat(historyFiles(ID)).hasSize(3);
		for (String revision : List.of(next, revisions[4], revisions[3])) {
			assertThat(restarted.loadRevision(ID, revision)).as(revision).isPresent();
		}
	}

	private static String readString(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@Test
	void sizeZeroKeepsNoHistory() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.setHistorySize(0);
		String revision = store.save(ID, Map.of("model", "a"), ExpectedRevision.any());
		store.delete(ID);

		assertThat(this.dir.resolve(ConfigFileHistory.DIRECTORY)).doesNotExist();
		assertThat(store.history(ID)).isEmpty();
		assertThat(store.loadRevision(ID, revision)).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> store.setHistorySize(-1))
			.withMessageContaining("history size");
	}

	@Test
	void storesTakingTurnsOnOneDirectoryEachRecordTheirWritesInOrder() {
		FileSystemPluginConfigStore one = new FileSystemPluginConfigStore(this.dir);
		FileSystemPluginConfigStore two = new FileSystemPluginConfigStore(this.dir);
		one.setHistorySize(4);
		two.setHistorySize(4);
		two.setInstanceName("worker-2");
		String[] revisions = new String[6];
		for (int i = 0; i < revisions.length; i++) {
			revisions[i] = ((i % 3 == 0) ? two : one).save(ID, Map.of("model", "m" + i), ExpectedRevision.any());
		}
		two.delete(ID);
		String last = one.save(ID, Map.of("model", "last"), ExpectedRevision.any());

		List<ConfigRevision> history = two.history(ID);
		assertThat(history).extracting(ConfigRevision::revision).first().isEqualTo(last);
		assertThat(history).extracting(ConfigRevision::revision).endsWith(revisions[5], revisions[4]);
		assertThat(history).extracting(ConfigRevision::writtenBy)
			.containsExactly(ThisProcess.name(), "worker-2", ThisProcess.name(), ThisProcess.name());
		assertThat(history.get(1).deleted()).isTrue();
		assertThat(one.loadRevision(ID, revisions[4])).hasValueSatisfying(
				(stored) -> assertThat(stored.config()).isEqualTo(Map.of("model", "m4")));
		assertThatIllegalArgumentException().isThrownBy(() -> two.setInstanceName(" "));
	}

	@Test
	void historyFilesAreIllegalIdsNeverTakenForConfigurations() throws IOException {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.save(ID, Map.of("model", "a"), ExpectedRevision.any());

		assertThat(store.revisions()).containsOnlyKeys(ID);
		assertThat(PluginIds.isValid(ConfigFileHistory.DIRECTORY)).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> store.history("../" + ID));
	}

	/** A plugin's entry files, oldest first. */
	private List<Path> historyFiles(String uniqueId) throws IOException {
		try (Stream<Path> files = Files.list(this.dir.resolve(ConfigFileHistory.DIRECTORY).resolve(uniqueId))) {
			return files.sorted().toList();
		}
	}

}
