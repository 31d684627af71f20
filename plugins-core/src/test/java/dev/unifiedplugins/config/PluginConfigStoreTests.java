package dev.unifiedplugins.config;

import java.io.UncheckedIOException;
import java.util.Map;

import dev.unifiedplugins.testsupport.MemoryStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The defaults of {@link PluginConfigStore}, for a store of the five basic methods alone,
 * as an application's own store may be.
 */
class PluginConfigStoreTests {

	private final MemoryStore store = new MemoryStore();

	@Test
	void aRevisionCheckedSaveMeetsItsExpectationOrWritesNothing() {
		String first = this.store.save("llm_a", Map.of("v", 1), ExpectedRevision.none());
		assertThat(this.store.loadStored("llm_a")).hasValueSatisfying(
				(stored) -> assertThat(stored.revision()).isEqualTo(first));
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> this.store.save("llm_a", Map.of("v", 2), ExpectedRevision.none()));
		assertThat(this.store.load("llm_a")).contains(Map.of("v", 1));
	}

	@Test
	void revisionCheckedSavesOfThousandsOfPluginsKeepNoLockFailedOrNot() {
		for (int i = 0; i < 5_000; i++) {
			String id = "llm_plugin" + i;
			String first = this.store.save(id, Map.of("v", 1), ExpectedRevision.none());
			assertThatExceptionOfType(PluginConfigConflictException.class)
				.isThrownBy(() -> this.store.save(id, Map.of("v", 2), ExpectedRevision.none()));
			this.store.failing = true;
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> this.store.save(id, Map.of("v", 2), ExpectedRevision.of(first)));
			this.store.failing = false;
			assertThat(this.store.delete(id)).isTrue();
		}
		assertThat(DefaultRevisionChecks.LOCKS.size()).isZero();
	}

}
