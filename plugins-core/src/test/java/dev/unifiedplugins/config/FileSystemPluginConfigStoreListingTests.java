package dev.unifiedplugins.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ids()} reuses a listing while the directory is unchanged, and never misses a
 * change.
 */
class FileSystemPluginConfigStoreListingTests {

	@TempDir
	Path dir;

	@Test
	void idsSeeFilesWrittenAndDeletedByOthersAfterAListingWasReused() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		Files.writeString(this.dir.resolve("llm_a.json"), "{}");
		ageDirectory();
		assertThat(store.ids()).containsExactly("llm_a");
		assertThat(store.ids()).containsExactly("llm_a");
		Files.writeString(this.dir.resolve("llm_b.json"), "{}");
		assertThat(store.ids()).containsExactlyInAnyOrder("llm_a", "llm_b");
		ageDirectory();
		assertThat(store.ids()).containsExactlyInAnyOrder("llm_a", "llm_b");
		Files.delete(this.dir.resolve("llm_a.json"));
		assertThat(store.ids()).containsExactly("llm_b");
	}

	@Test
	void idsSeeTheStoresOwnWritesAtOnce() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		assertThat(store.ids()).isEmpty();
		store.save("llm_a", Map.of("k", "v"));
		assertThat(store.ids()).containsExactly("llm_a");
		store.save("llm_b", Map.of());
		store.delete("llm_a");
		assertThat(store.ids()).containsExactly("llm_b");
	}

	/** Makes the directory look last modified an hour ago, so that a listing is reused. */
	private void ageDirectory() throws Exception {
		Files.setLastModifiedTime(this.dir, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
	}

}
