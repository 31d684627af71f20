package dev.unifiedplugins.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import dev.unifiedplugins.autoconfigure.PluginsAutoConfiguration;
import dev.unifiedplugins.autoconfigure.PluginsShutdownProperties;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.lifecycle.ManagedProcessTracker;
import dev.unifiedplugins.processes.ProcessTable;
import dev.unifiedplugins.shutdown.ManagedProcessLedger;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ChildProcesses;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No managed process outlives the application: a normal stop ends every process a plugin
 * manages, even when the plugin's own cleanup forgets, throws or hangs; a crash (SIGKILL)
 * leaves a record from which the next start ends the orphans, never touching the
 * processes of an instance that still runs. Real process trees, a real JVM killed with
 * SIGKILL.
 */
@ExtendWith(OutputCaptureExtension.class)
class OrphanProcessTests {

	@TempDir
	Path dir;

	private final ChildProcesses processes = new ChildProcesses();

	@BeforeEach
	void needsProcfs() {
		assumeTrue(ChildProcesses.hasProcfs(), "reads process state from /proc");
	}

	@AfterEach
	void killChildren() {
		this.processes.killAll();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir, "plugins.shutdown.track-interval=200ms");
	}

	@Nested
	class WhenTheApplicationStops {

		@Test
		void everyProcessOfTheTreeEnds() throws Exception {
			assertTreeEndsWhenContextCloses((process) -> {
				process.descendants().forEach(ProcessHandle::destroy);
				process.destroy();
			});
		}

		@Test
		void descendantsTheCleanupForgetsAreEnded() throws Exception {
			assertTreeEndsWhenContextCloses(Process::destroyForcibly);
		}

		@Test
		void processesOfACleanupThatThrowsAreEnded() throws Exception {
			assertTreeEndsWhenContextCloses((tree) -> {
				throw new IllegalStateException("cleanup failed");
			});
		}

		@Test
		void processesOfACleanupThatHangsAreEnded() throws Exception {
			CountDownLatch release = new CountDownLatch(1);
			try {
				assertTreeEndsWhenContextCloses((tree) -> {
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}, "plugins.shutdown.timeout=1s");
			}
			finally {
				release.countDown();
			}
		}

		@Test
		void cleanupFalseLeavesThemRunning() throws Exception {
			ProcessTree[] started = new ProcessTree[1];
			runner().withPropertyValues("plugins.shutdown.cleanup=false")
				.withBean("trees", PluginManager.class, () -> treeManager((tree) -> {
				}, started))
				.run((context) -> {
					List<Long> pids = started[0].awaitTree();
					context.close();
					assertThat(pids).allSatisfy((pid) -> assertThat(ChildProcesses.runs(pid)).isTrue());
				});
		}

		private void assertTreeEndsWhenContextCloses(Consumer<Process> cleanup, String... properties)
				throws Exception {
			ProcessTree[] started = new ProcessTree[1];
			runner().withPropertyValues(properties)
				.withBean("trees", PluginManager.class, () -> treeManager(cleanup, started))
				.run((context) -> {
					List<Long> pids = started[0].awaitTree();
					assertThat(pids).hasSize(3);

					context.close();

					Await.until("every process of the tree " + pids + " has ended",
							() -> pids.stream().noneMatch(ProcessTable::isRunning));
					assertThat(pids).allSatisfy((pid) -> assertThat(ChildProcesses.runs(pid)).isFalse());
				});
			try (Stream<Path> files = Files.list(OrphanProcessTests.this.dir)) {
				assertThat(files.map((file) -> file.getFileName().toString()))
					.as("a clean stop leaves no process record")
					.noneMatch((name) -> name.startsWith(".managed-processes."));
			}
		}

		private PluginManager treeManager(Consumer<Process> cleanup, ProcessTree[] started) {
			ProcessTree tree = new ProcessTree(OrphanProcessTests.this.processes, cleanup);
			started[0] = tree;
			return new PluginManager() {

				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return List.of(PluginDescriptor.builder("tree").executionMode(PluginExecutionMode.SUBPROCESS).build());
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					return Optional.of(tree);
				}

			};
		}

	}

	@Nested
	class AfterACrash {

		@Test
		void orphansOfAKilledRunAreEndedAtNextStartButALiveInstanceIsNeverTouched(CapturedOutput output)
				throws Exception {
			ChildProcesses.ChildJvm crashing = OrphanProcessTests.this.processes.startJvm(CrashingPluginApplication.class,
					OrphanProcessTests.this.dir.toString());
			String[] recorded = crashing.awaitLine("RECORDED ").split(" ");
			long orphan = Long.parseLong(recorded[1]);
			Path stateFile = Path.of(recorded[2]);
			OrphanProcessTests.this.processes.track(orphan);
			assertThat(Files.readString(stateFile)).contains("\"pid\":" + crashing.pid());

			// A second instance on the same config dir while the first still runs.
			runner().run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(ChildProcesses.runs(orphan)).as("the live instance's process").isTrue();
				assertThat(stateFile).as("the live instance's record").exists();
			});

			crashing.kill9();
			assertThat(ChildProcesses.runs(orphan)).as("the plugin process survives the crash").isTrue();
			assertThat(stateFile).exists();

			// What the ledger logs (through System.Logger, so java.util.logging here).
			List<String> ledgerLog = new CopyOnWriteArrayList<>();
			Logger ledgerLogger = Logger.getLogger(ManagedProcessLedger.class.getName());
			Handler handler = new Handler() {

				@Override
				public void publish(LogRecord record) {
					ledgerLog.add(record.getMessage());
				}

				@Override
				public void flush() {
				}

				@Override
				public void close() {
				}

			};
			ledgerLogger.addHandler(handler);
			try {
				runner().run((context) -> {
					assertThat(context).hasNotFailed();
					Await.until("the orphan " + orphan + " has ended", () -> !ChildProcesses.runs(orphan));
					assertThat(stateFile).as("the dead instance's record").doesNotExist();
				});
			}
			finally {
				ledgerLogger.removeHandler(handler);
			}
			// Said once, by the ledger, naming the run that left it; not again by the tracker.
			assertThat(ledgerLog).containsExactly("Ended 1 plugin process(es) [" + orphan
					+ "] left running by application process " + crashing.pid() + ", which ended without cleanup");
			assertThat(output).doesNotContain("Ended orphan plugin processes");
		}

		@Test
		void aFirstStartWithoutAConfigDirLogsNoWarning(CapturedOutput output) {
			Path missing = OrphanProcessTests.this.dir.resolve("not-created-yet");

			runner().withPropertyValues("plugins.config-dir=" + missing).run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(ManagedProcessTracker.class).recordNow();
			});

			assertThat(output).doesNotContain("orphan").doesNotContain("Exception");
		}

		@Test
		void reapOrphansIsOnByDefaultAndFalseDisablesIt() throws Exception {
			Process orphan = OrphanProcessTests.this.processes.startSleep();
			Path stateFile = OrphanProcessTests.this.dir.resolve(".managed-processes." + ChildProcesses.deadPid() + "-1000.json");
			Files.writeString(stateFile, "{\"owner\":{\"pid\":" + stateFile.getFileName().toString().split("[.-]")[3]
					+ ",\"startTime\":1000},\"processes\":[{\"pid\":" + orphan.pid() + ",\"startTime\":"
					+ ChildProcesses.startMillis(orphan.pid()) + "}]}");

			runner().withPropertyValues("plugins.shutdown.reap-orphans=false").run((context) -> {
				assertThat(context.getBean(PluginsShutdownProperties.class).isReapOrphans()).isFalse();
				assertThat(ChildProcesses.runs(orphan.pid())).isTrue();
				assertThat(stateFile).exists();
			});

			runner().run((context) -> {
				assertThat(context.getBean(PluginsShutdownProperties.class).isReapOrphans()).isTrue();
				Await.until("the orphan has ended", () -> !ChildProcesses.runs(orphan.pid()));
				assertThat(stateFile).doesNotExist();
			});
		}

	}

	/**
	 * A lifecycle-aware plugin that runs {@code sh -c 'sleep 300 & sleep 300 & wait'}: a
	 * child and two grandchildren. Its {@code forceCleanup()} is supplied by the test.
	 */
	static final class ProcessTree extends TestPlugins.ProcessPlugin {

		private final ChildProcesses processes;

		ProcessTree(ChildProcesses processes, Consumer<Process> cleanup) {
			super(startTree(), cleanup);
			this.processes = processes;
			processes.track(process().toHandle());
		}

		private static Process startTree() {
			try {
				return new ProcessBuilder("sh", "-c", "sleep 300 & sleep 300 & wait")
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.redirectErrorStream(true)
					.start();
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** Waits until both sleeps run, tracks them for cleanup, and returns all three PIDs. */
		List<Long> awaitTree() {
			Await.until("sh has started both sleeps",
					() -> process().toHandle().children().filter(ProcessHandle::isAlive).count() == 2);
			List<Long> pids = new ArrayList<>();
			pids.add(process().pid());
			process().toHandle().children().forEach((child) -> {
				this.processes.track(child);
				pids.add(child.pid());
			});
			return pids;
		}

	}

}
