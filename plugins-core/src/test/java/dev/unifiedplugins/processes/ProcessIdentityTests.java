package dev.unifiedplugins.processes;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ChildProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link ProcessIdentity}, with real child processes whose state is read from
 * {@code /proc}.
 */
class ProcessIdentityTests {

	private final ChildProcesses processes = new ChildProcesses();

	@BeforeAll
	static void requireProcfs() {
		assumeTrue(ChildProcesses.hasProcfs(), "needs /proc to tell zombies from live processes");
	}

	@AfterEach
	void killProcesses() {
		this.processes.killAll();
	}

	@Test
	void aRunningProcessIsItsPidAndStartTimeAndRuns() throws Exception {
		Process sleep = this.processes.startSleep();

		ProcessIdentity identity = ProcessIdentity.of(sleep.pid()).orElseThrow();

		assertThat(identity).isEqualTo(new ProcessIdentity(sleep.pid(), ChildProcesses.startMillis(sleep.pid())));
		assertThat(identity.isRunning()).isTrue();
	}

	@Test
	void theCurrentProcessRuns() {
		ProcessIdentity current = ProcessIdentity.current();

		assertThat(current.pid()).isEqualTo(ProcessHandle.current().pid());
		assertThat(current).isEqualTo(ProcessIdentity.of(current.pid()).orElseThrow());
		assertThat(current.isRunning()).isTrue();
	}

	@Test
	void aProcessThatWasKilledAndReapedNoLongerRuns() throws Exception {
		Process sleep = this.processes.startSleep();
		ProcessIdentity identity = ProcessIdentity.of(sleep.pid()).orElseThrow();

		sleep.destroyForcibly();
		assertThat(sleep.waitFor(Await.BOUND.toSeconds(), TimeUnit.SECONDS)).as("reaped").isTrue();

		assertThat(identity.isRunning()).isFalse();
		assertThat(ProcessIdentity.of(sleep.pid())).isEmpty();
	}

	@Test
	void aZombieDoesNotRun() throws Exception {
		// sh starts "sleep 1" and becomes "sleep 300", which never reaps it: once it exits,
		// it stays a zombie.
		Process parent = this.processes.startShell("sleep 1 & echo $!; exec sleep 300");
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
			long pid = Long.parseLong(out.readLine().trim());
			ProcessIdentity identity = ProcessIdentity.of(pid).orElseThrow();
			assertThat(identity.isRunning()).as("while it sleeps").isTrue();

			Await.until("process " + pid + " is a zombie",
					() -> ChildProcesses.state(pid).map((state) -> state == 'Z').orElse(false));

			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the JDK thinks it alive").contains(true);
			assertThat(identity.isRunning()).isFalse();
			assertThat(ProcessIdentity.of(pid)).isEmpty();
		}
	}

	@Test
	void aPidWithAnotherStartTimeIsAnotherProcess() throws Exception {
		Process sleep = this.processes.startSleep();
		// What a record of an earlier process that had this PID looks like.
		ProcessIdentity earlier = new ProcessIdentity(sleep.pid(), ChildProcesses.startMillis(sleep.pid()) - 5_000);

		assertThat(earlier.isRunning()).isFalse();
		assertThat(ProcessIdentity.end(List.of(earlier), Duration.ofSeconds(1))).isEmpty();
		assertThat(ChildProcesses.runs(sleep.pid())).as("the process that has the PID now").isTrue();
	}

	@Test
	void endAsksEachProcessToTerminate() throws Exception {
		Process sleep = this.processes.startSleep();
		ProcessIdentity identity = ProcessIdentity.of(sleep.pid()).orElseThrow();

		assertThat(ProcessIdentity.end(List.of(identity), Await.BOUND)).containsExactly(identity);

		assertThat(sleep.waitFor(Await.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(sleep.exitValue()).as("ended by SIGTERM").isEqualTo(128 + 15);
	}

	@Test
	void endKillsAProcessThatIgnoresTermination() throws Exception {
		// An ignored signal stays ignored across exec.
		Process stubborn = this.processes.startShell("trap '' TERM; exec sleep 300");
		Await.until("sh has become sleep", () -> stubborn.info().command().orElse("").endsWith("sleep"));
		ProcessIdentity identity = ProcessIdentity.of(stubborn.pid()).orElseThrow();

		assertThat(ProcessIdentity.end(List.of(identity), Duration.ofMillis(300))).containsExactly(identity);

		assertThat(stubborn.waitFor(Await.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(stubborn.exitValue()).as("ended by SIGKILL").isEqualTo(128 + 9);
	}

	@Test
	void endLeavesProcessesThatAlreadyEndedAndTheCurrentProcessAlone() throws Exception {
		Process sleep = this.processes.startSleep();
		ProcessIdentity ended = ProcessIdentity.of(sleep.pid()).orElseThrow();
		sleep.destroyForcibly().waitFor(Await.BOUND.toSeconds(), TimeUnit.SECONDS);

		assertThat(ProcessIdentity.end(List.of(ended, ProcessIdentity.current()), Duration.ofSeconds(1))).isEmpty();
	}

	@Test
	void aPidMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProcessIdentity(0, 1))
			.withMessage("pid must be positive, was 0");
		assertThat(ProcessIdentity.of(0)).isEmpty();
		assertThat(ProcessIdentity.of(-1)).isEmpty();
	}

}
