package dev.unifiedplugins.jdbcinit;

import java.io.EOFException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link JdbcStoreStartup}: an unreachable database defers the steps, whatever its
 * driver's exception holds.
 */
@ExtendWith(OutputCaptureExtension.class)
class JdbcStoreStartupTests {

	@Test
	void aDatabaseClosingTheSocketDuringTheHandshakeDefersTheStepsAndIsLoggedByItsDriversMessage(
			CapturedOutput output) {
		AtomicInteger tries = new AtomicInteger();
		AtomicInteger refreshed = new AtomicInteger();
		// As PostgreSQL's driver answers behind a proxy whose database is not up: the
		// innermost cause, an EOFException, has no message.
		Runnable step = () -> {
			if (tries.incrementAndGet() == 1) {
				throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
						new SQLException("The connection attempt failed.", "08001", new EOFException()));
			}
		};
		try (JdbcStoreStartup startup = new JdbcStoreStartup(List.of(step), refreshed::incrementAndGet)) {
			startup.start();
			assertThat(output).contains("cannot be reached").contains("The connection attempt failed.");
			await().atMost(Duration.ofSeconds(10)).until(startup::isDone);
			assertThat(refreshed).hasValue(1);
		}
	}

	@Test
	void aFailureWithoutAnyMessageIsNamedByItsType() {
		assertThat(JdbcStoreStartup.innermostMessage(new IllegalStateException(new EOFException())))
			.isEqualTo("java.io.EOFException");
		assertThat(JdbcStoreStartup.innermostMessage(new RuntimeException((String) null)))
			.isEqualTo("java.lang.RuntimeException");
	}

	@Test
	void aStepThatHasJustFoundTheDatabaseUnavailableIsTriedAgainLaterNotAtOnce() {
		AtomicInteger tries = new AtomicInteger();
		Thread starting = Thread.currentThread();
		AtomicInteger triedOnTheStartingThread = new AtomicInteger();
		Runnable schema = () -> {
			tries.incrementAndGet();
			if (Thread.currentThread() == starting) {
				triedOnTheStartingThread.incrementAndGet();
			}
		};
		try (JdbcStoreStartup startup = new JdbcStoreStartup(List.of(schema), () -> {
		}, true)) {
			startup.start();
			// A locked table made the first try wait its lock timeout: a second try at once would wait again.
			assertThat(triedOnTheStartingThread).hasValue(0);
			await().atMost(Duration.ofSeconds(10)).until(startup::isDone);
			assertThat(tries).hasValue(1);
		}
	}

}
