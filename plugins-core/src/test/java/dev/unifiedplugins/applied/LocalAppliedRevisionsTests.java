package dev.unifiedplugins.applied;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link LocalAppliedRevisions}: this instance's entries, in memory.
 */
class LocalAppliedRevisionsTests {

	private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

	private final LocalAppliedRevisions applied = new LocalAppliedRevisions("web-1",
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void aRecordedEntryIsThisInstancesOnlyEntry() {
		this.applied.record("p", "3", null);
		assertThat(this.applied.get("p")).containsExactly(Map.entry("web-1", new AppliedRevision("3", NOW, null)));
		assertThat(this.applied.get("q")).isEmpty();
	}

	@Test
	void aLaterRecordReplacesTheEarlierOne() {
		this.applied.record("p", "3", null);
		this.applied.record("p", "4", "refused");
		assertThat(this.applied.get("p").get("web-1")).isEqualTo(new AppliedRevision("4", NOW, "refused"));
		assertThat(this.applied.get("p").get("web-1").failed()).isTrue();
	}

	@Test
	void aForgottenPluginHasNoEntry() {
		this.applied.record("p", "3", null);
		this.applied.forget("p");
		assertThat(this.applied.get("p")).isEmpty();
	}

	@Test
	void aBlankInstanceNameIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new LocalAppliedRevisions(" "))
			.withMessageContaining("instanceName");
	}

}
