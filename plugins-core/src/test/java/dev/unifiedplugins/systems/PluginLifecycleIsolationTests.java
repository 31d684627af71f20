package dev.unifiedplugins.systems;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link PluginLifecycle} with plugins that misbehave: one whose {@code configure} or
 * {@code forceCleanup} hangs for good, or throws an {@link Error}, is a failure of its own
 * and delays no other plugin's load or reload, nor the watch of their directory. Two
 * lifecycle-aware JAR plugins, {@code alpha} and {@code beta}, each in a build whose
 * greetings end in " (v1)" and one in " (v2)".
 */
class PluginLifecycleIsolationTests {

	private static final String ALPHA = "greeters_alpha";

	private static final String BETA = "greeters_beta";

	/** The bound on each call into plugin code, short so that the tests are. */
	private static final Duration CALL_TIMEOUT = Duration.ofMillis(500);

	/** Keeps a test whose call would hang for good from hanging the build. */
	private static final Duration NO_HANG = Duration.ofSeconds(10);

	@TempDir
	static Path builds;

	@TempDir
	Path plugins;

	@TempDir
	Path configDir;

	@TempDir
	Path otherPlugins;

	/** How many times a category was registered (each rescan's discovery registers it). */
	private final AtomicInteger registrations = new AtomicInteger();

	private JarDirectoryPluginManager<GreeterPlugin> manager;

	private UnifiedPluginRegistry registry;

	private PluginLifecycle lifecycle;

	@BeforeAll
	static void buildJars() throws IOException {
		for (String name : new String[] { "alpha", "beta" }) {
			for (String version : new String[] { "v1", "v2" }) {
				PluginJars.build(builds.resolve(name + "-" + version + ".jar"), lifecycleAware(name, " (" + version + ")"),
						"com.acme." + name + ".Greeter");
			}
		}
		PluginJars.build(builds.resolve("german.jar"),
				PluginJars.greeter("com.acme.german", "GermanGreeter", "german", "Hallo"), "com.acme.german.GermanGreeter");
		PluginJars.build(builds.resolve("describing.jar"), Map.of("com.acme.describing.Greeter", """
				package com.acme.describing;

				import dev.unifiedplugins.core.PluginDescriptor;
				import dev.unifiedplugins.systems.GreeterPlugin;
				import dev.unifiedplugins.systems.Greeters;

				public class Greeter implements GreeterPlugin {
					public static PluginDescriptor pluginDescriptor() {
						Greeters.step("describing", "describe");
						return PluginDescriptor.builder("describing").build();
					}
					public String greet(String who) { return "Described " + who; }
				}
				"""), "com.acme.describing.Greeter");
	}

	@BeforeEach
	void register() throws IOException {
		Greeters.reset();
		Files.copy(builds.resolve("alpha-v1.jar"), this.plugins.resolve("alpha.jar"));
		Files.copy(builds.resolve("beta-v1.jar"), this.plugins.resolve("beta.jar"));
		this.manager = new JarDirectoryPluginManager<>(GreeterPlugin.class, this.plugins);
		this.registry = new UnifiedPluginRegistry(this.configDir) {
			@Override
			public List<PluginMetadata> registerPluginManager(String category, PluginManager manager,
					@Nullable String displayName, boolean autoDiscover) {
				PluginLifecycleIsolationTests.this.registrations.incrementAndGet();
				return super.registerPluginManager(category, manager, displayName, autoDiscover);
			}

			@Override
			public Optional<List<PluginMetadata>> reregisterPluginManager(String category, PluginManager manager,
					@Nullable String displayName) {
				PluginLifecycleIsolationTests.this.registrations.incrementAndGet();
				return super.reregisterPluginManager(category, manager, displayName);
			}
		};
		this.registry.registerPluginManager("greeters", this.manager);
		this.lifecycle = new PluginLifecycle(this.registry, CALL_TIMEOUT);
	}

	@AfterEach
	void close() throws IOException {
		// Lets the plugins stuck on purpose return, so that their threads end.
		Greeters.reset();
		this.lifecycle.close();
		this.manager.close();
	}

	@Test
	void aLoadWhoseConfigureHangsFailsAfterTheBoundAsALoadError() {
		Greeters.hanging("alpha", "configure");
		assertTimeoutPreemptively(NO_HANG,
				() -> assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(ALPHA))
					.withMessageContaining(ALPHA)
					.withMessageContaining("did not answer within 500ms"));
		assertThat(this.lifecycle.getLoadError(ALPHA)).hasValueSatisfying(
				(error) -> assertThat(error).contains("configure did not answer within 500ms"));
		assertThat(this.lifecycle.getAppliedRevisions().get(ALPHA).values())
			.singleElement()
			.satisfies((entry) -> assertThat(entry.error()).contains("did not answer"));
		assertThat(this.registry.getPluginInstance(ALPHA)).isEmpty();
	}

	@Test
	void aHungConfigureDelaysNoOtherPluginsReload() {
		this.lifecycle.load(ALPHA);
		this.lifecycle.load(BETA);
		Greeters.hanging("alpha", "configure");
		this.registry.savePluginConfig(ALPHA, Map.of("greeting", "Hey"));
		Await.until("alpha's reload has started", () -> Greeters.created("alpha") == 2);
		this.registry.savePluginConfig(BETA, Map.of("greeting", "Hey"));
		Await.until("beta is reloaded", () -> "Hey Luc (v1)".equals(greet(BETA)));
		Await.until("alpha's reload has failed", () -> this.lifecycle.getLoadError(ALPHA).isPresent());
		assertThat(this.lifecycle.getLoadError(ALPHA).orElseThrow()).contains("did not answer");
		assertThat(greet(ALPHA)).isEqualTo("Hello Luc (v1)");
		// The instance that never finished its configure is cleaned up once it does.
		Greeters.release("alpha", "configure");
		Await.until("the abandoned instance is cleaned up", () -> Greeters.cleanedUp("alpha") == 1);
		assertThat(greet(ALPHA)).isEqualTo("Hello Luc (v1)");
	}

	@Test
	void aHungCleanupDelaysNoOtherPluginsReload() {
		this.lifecycle.load(ALPHA);
		this.lifecycle.load(BETA);
		Greeters.hanging("alpha", "cleanup");
		this.registry.savePluginConfig(ALPHA, Map.of("greeting", "Hey"));
		// The new instance is in place before the old one is cleaned up.
		Await.until("alpha is reloaded", () -> "Hey Luc (v1)".equals(greet(ALPHA)));
		this.registry.savePluginConfig(BETA, Map.of("greeting", "Hey"));
		Await.until("beta is reloaded", () -> "Hey Luc (v1)".equals(greet(BETA)));
		assertThat(this.lifecycle.getLoadError(ALPHA)).isEmpty();
		assertTimeoutPreemptively(NO_HANG, () -> assertThat(this.lifecycle.unload(BETA)).isTrue());
		assertThat(Greeters.cleanedUp("beta")).isEqualTo(2);
	}

	@Test
	void aReplacedJarWhosePluginHangsStopsNeitherTheWatcherNorTheOtherPlugins() throws IOException {
		this.lifecycle.load(ALPHA);
		this.lifecycle.load(BETA);
		this.lifecycle.watch("greeters", Duration.ofMillis(200));
		Greeters.hanging("alpha", "configure");
		move("alpha", "v2");
		Await.until("alpha's reload from its new JAR has started", () -> Greeters.created("alpha") == 2);
		move("beta", "v2");
		Await.until("beta answers from its new JAR", () -> "Hello Luc (v2)".equals(greet(BETA)));
		Files.copy(builds.resolve("german.jar"), this.plugins.resolve("german.jar"));
		Await.until("the added JAR is a plugin", () -> this.registry.getPlugin("greeters_german").isPresent());
		Await.until("alpha's reload has failed", () -> this.lifecycle.getLoadError(ALPHA).isPresent());
		assertThat(greet(ALPHA)).isEqualTo("Hello Luc (v1)");
	}

	@Test
	void aRescanWhoseDiscoveryHangsInAPluginClassFailsAfterItsBoundAndTheOthersGoOn() throws IOException {
		this.lifecycle.load(ALPHA);
		this.lifecycle.load(BETA);
		Greeters.hanging("describing", "describe");
		Files.copy(builds.resolve("describing.jar"), this.plugins.resolve("describing.jar"));
		for (int rescan = 0; rescan < 2; rescan++) {
			// The second waits behind the first, which holds the manager's lock, no longer than it.
			assertTimeoutPreemptively(NO_HANG,
					() -> assertThatExceptionOfType(IllegalStateException.class)
						.isThrownBy(() -> this.lifecycle.rescan("greeters"))
						.withMessageContaining("category 'greeters'")
						.withMessageContaining("has not returned within 1s"));
		}
		this.registry.savePluginConfig(BETA, Map.of("greeting", "Hey"));
		Await.until("beta is reloaded", () -> "Hey Luc (v1)".equals(greet(BETA)));
		assertThat(greet(ALPHA)).isEqualTo("Hello Luc (v1)");
		Greeters.release("describing", "describe");
		Await.until("the discovery registers what it found once it returns",
				() -> this.registry.getPlugin("greeters_describing").isPresent());
	}

	/**
	 * Rescans that time out behind a hung one are dropped: once it returns, what it found
	 * registers, and no discovery runs for each caller long gone.
	 */
	@Test
	void rescansThatTimedOutBehindAHungOneDoNotRunWhenItReturns() throws IOException {
		Greeters.hanging("describing", "describe");
		Files.copy(builds.resolve("describing.jar"), this.plugins.resolve("describing.jar"));
		int before = this.registrations.get();
		for (int rescan = 0; rescan < 5; rescan++) {
			assertTimeoutPreemptively(NO_HANG,
					() -> assertThatExceptionOfType(IllegalStateException.class)
						.isThrownBy(() -> this.lifecycle.rescan("greeters"))
						.withMessageContaining("has not returned within 1s"));
		}
		Greeters.release("describing", "describe");
		// Queued behind whatever is left of the others, so that they have all run once it returns.
		assertTimeoutPreemptively(NO_HANG, () -> this.lifecycle.rescan("greeters"));
		assertThat(this.registrations.get() - before).as("discoveries: the hung one's and the last rescan's")
			.isEqualTo(2);
		assertThat(this.registry.getPlugin("greeters_describing")).isPresent();
	}

	/**
	 * Rescans asked for while one hangs share one discovery, which reads the category's
	 * manager and display name when it runs: registered again meanwhile, the category keeps
	 * its new manager, which the hung discovery, once it returns, does not replace.
	 */
	@Test
	void rescansWaitingBehindAHungOneShareOneDiscoveryOfTheManagerRegisteredWhenItRuns() throws Exception {
		// Long enough for the category to be registered again while the later rescans wait.
		PluginLifecycle patient = new PluginLifecycle(this.registry, Duration.ofSeconds(3));
		Files.copy(builds.resolve("german.jar"), this.otherPlugins.resolve("german.jar"));
		JarDirectoryPluginManager<GreeterPlugin> other = new JarDirectoryPluginManager<>(GreeterPlugin.class,
				this.otherPlugins);
		try {
			Greeters.hanging("describing", "describe");
			Files.copy(builds.resolve("describing.jar"), this.plugins.resolve("describing.jar"));
			int before = this.registrations.get();
			CompletableFuture<List<PluginMetadata>> hung = rescanning(patient);
			Await.until("the first discovery hangs", () -> this.registrations.get() == before + 1);
			CompletableFuture<List<PluginMetadata>> second = rescanning(patient);
			CompletableFuture<List<PluginMetadata>> third = rescanning(patient);
			this.registry.registerPluginManager("greeters", other, "Other greeters", true);
			Greeters.release("describing", "describe");
			for (CompletableFuture<List<PluginMetadata>> waiting : List.of(second, third)) {
				assertThat(waiting.get(NO_HANG.toSeconds(), TimeUnit.SECONDS)).extracting(PluginMetadata::name)
					.containsExactly("german");
			}
			// What the hung one found once it returned is of the manager replaced meanwhile: dropped.
			assertThat(hung).failsWithin(NO_HANG)
				.withThrowableThat()
				.withMessageContaining("was registered again, with another manager");
			assertThat(this.registry.getManager("greeters")).containsSame(other);
			assertThat(this.registry.getCategoryDisplayName("greeters")).isEqualTo("Other greeters");
			assertThat(this.registrations.get() - before).as("the hung discovery, the new registration, one shared")
				.isEqualTo(3);
		}
		finally {
			Greeters.reset();
			patient.close();
			other.close();
		}
	}

	/**
	 * A discovery that fails after the category was registered again with another manager
	 * fails its rescan as one of a replaced manager, and is no failure of the category.
	 */
	@Test
	void aRescanWhoseDiscoveryFailsAfterTheCategoryWasRegisteredAgainRecordsNoFailure() {
		PluginLifecycle patient = new PluginLifecycle(this.registry, Duration.ofSeconds(3));
		try {
			this.registry.registerPluginManager("greeters", new SteppedGreeters());
			Greeters.hanging("discovery", "find");
			Greeters.throwing("discovery", "find", () -> new IllegalStateException("the old directory is gone"));
			int before = this.registrations.get();
			CompletableFuture<List<PluginMetadata>> rescan = rescanning(patient);
			Await.until("the discovery runs", () -> this.registrations.get() == before + 1);
			this.registry.registerPluginManager("greeters", this.manager);
			Greeters.release("discovery", "find");
			assertThat(rescan).failsWithin(NO_HANG)
				.withThrowableThat()
				.withMessageContaining("was registered again, with another manager");
			assertThat(this.registry.getManager("greeters")).containsSame(this.manager);
			assertThat(this.registry.getRegistrationFailures()).isEmpty();
		}
		finally {
			Greeters.reset();
			patient.close();
		}
	}

	/** A manager whose discovery is the step {@code discovery.find}, hanging or throwing as a test sets. */
	private static final class SteppedGreeters extends PluginSystemManager<GreeterPlugin> {

		SteppedGreeters() {
			super(GreeterPlugin.class);
		}

		@Override
		protected List<Candidate<GreeterPlugin>> findPlugins(Map<String, String> failures) {
			Greeters.step("discovery", "find");
			return List.of();
		}

	}

	/** Starts a rescan on a thread of its own, and returns once it waits for its discovery. */
	private static CompletableFuture<List<PluginMetadata>> rescanning(PluginLifecycle lifecycle) {
		CompletableFuture<List<PluginMetadata>> result = new CompletableFuture<>();
		Thread caller = new Thread(() -> {
			try {
				result.complete(lifecycle.rescan("greeters"));
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		}, "rescan-caller");
		caller.setDaemon(true);
		caller.start();
		Await.until("the rescan waits for its discovery", () -> caller.getState() == Thread.State.TIMED_WAITING);
		return result;
	}

	@Test
	void loadAllLoadsTheOthersWhileOnePluginsConfigureHangs() {
		Greeters.hanging("alpha", "configure");
		Map<String, String> errors = assertTimeoutPreemptively(NO_HANG, () -> this.lifecycle.loadAll("greeters"));
		assertThat(errors).containsOnlyKeys(ALPHA);
		assertThat(errors.get(ALPHA)).contains("did not answer");
		assertThat(greet(BETA)).isEqualTo("Hello Luc (v1)");
	}

	@Test
	void loadAllWaitsForASlowConstructorAsAStartWaitsForItsBeans() throws Exception {
		Greeters.hanging("alpha", "constructor");
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<Map<String, String>> loading = caller.submit(() -> this.lifecycle.loadAll("greeters"));
			Await.until("alpha is being constructed", () -> Greeters.created("alpha") == 1);
			// Longer than twice the bound on calls into the plugin, which a constructor is not.
			Thread.sleep(3 * CALL_TIMEOUT.toMillis());
			assertThat(loading).isNotDone();
			Greeters.release("alpha", "constructor");
			assertThat(loading.get(10, TimeUnit.SECONDS)).isEmpty();
		}
		finally {
			caller.shutdownNow();
		}
		assertThat(greet(ALPHA)).isEqualTo("Hello Luc (v1)");
		assertThat(greet(BETA)).isEqualTo("Hello Luc (v1)");
	}

	@Test
	void loadAllAsksNoLoadedPluginForItsLiveResources() {
		this.lifecycle.load(ALPHA);
		Greeters.hanging("alpha", "pids");
		Map<String, String> errors = assertTimeoutPreemptively(NO_HANG, () -> this.lifecycle.loadAll("greeters"));
		assertThat(errors).isEmpty();
		assertThat(greet(BETA)).isEqualTo("Hello Luc (v1)");
	}

	@Test
	void anErrorFromOneRemovedPluginsCleanupStillUnloadsTheOthers() throws IOException {
		this.lifecycle.load(ALPHA);
		this.lifecycle.load(BETA);
		// What the old class loader of a JAR copied over in place throws.
		Greeters.throwing("alpha", "cleanup", () -> new NoClassDefFoundError("com/acme/alpha/Gone"));
		Greeters.throwing("beta", "cleanup", () -> new NoClassDefFoundError("com/acme/beta/Gone"));
		Files.delete(this.plugins.resolve("alpha.jar"));
		Files.delete(this.plugins.resolve("beta.jar"));
		this.lifecycle.rescan("greeters");
		for (String name : new String[] { "alpha", "beta" }) {
			assertThat(this.manager.getPlugin(name)).as(name).isEmpty();
			assertThat(this.lifecycle.getAppliedRevisions().get("greeters_" + name)).as(name).isEmpty();
		}
	}

	@Test
	void anErrorFromAReplacedPluginsOldCleanupKeepsItsNewInstanceAndReloadsTheOthers() throws IOException {
		this.lifecycle.load(ALPHA);
		this.lifecycle.load(BETA);
		WeakReference<ClassLoader> alpha = new WeakReference<>(loader(ALPHA));
		WeakReference<ClassLoader> beta = new WeakReference<>(loader(BETA));
		Greeters.throwing("alpha", "cleanup", () -> new NoClassDefFoundError("com/acme/alpha/Gone"));
		Greeters.throwing("beta", "cleanup", () -> new NoClassDefFoundError("com/acme/beta/Gone"));
		move("alpha", "v2");
		move("beta", "v2");
		this.lifecycle.rescan("greeters");
		assertThat(greet(ALPHA)).isEqualTo("Hello Luc (v2)");
		assertThat(greet(BETA)).isEqualTo("Hello Luc (v2)");
		assertThat(this.lifecycle.getLoadError(ALPHA)).isEmpty();
		assertThat(this.lifecycle.getLoadError(BETA)).isEmpty();
		// Once its old instance is cleaned up, however that ended, a loader is closed.
		Await.until("the old loaders are closed", () -> ReleasedLoaders.isClosed(alpha) && ReleasedLoaders.isClosed(beta));
	}

	@Test
	void anAssertionErrorInConfigureIsALoadErrorAndTheOthersLoad() {
		Greeters.throwing("alpha", "configure", () -> new AssertionError("alpha asserts on purpose"));
		Map<String, String> errors = this.lifecycle.loadAll("greeters");
		assertThat(errors).containsOnlyKeys(ALPHA);
		assertThat(errors.get(ALPHA)).contains("AssertionError").contains("alpha asserts on purpose");
		assertThat(greet(BETA)).isEqualTo("Hello Luc (v1)");
		assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(ALPHA))
			.withMessageContaining("alpha asserts on purpose");
		assertThat(this.registry.getPluginInstance(ALPHA)).isEmpty();
	}

	private String greet(String uniqueId) {
		return this.registry.getPluginInstance(uniqueId)
			.map((plugin) -> ((GreeterPlugin) plugin).greet("Luc"))
			.orElse(null);
	}

	private ClassLoader loader(String uniqueId) {
		return this.registry.getPluginInstance(uniqueId).orElseThrow().getClass().getClassLoader();
	}

	/** Moves a build over a plugin's JAR, as a deploy does. */
	private void move(String name, String version) throws IOException {
		Path next = this.plugins.resolve("." + name + ".jar.part");
		Files.copy(builds.resolve(name + "-" + version + ".jar"), next, StandardCopyOption.REPLACE_EXISTING);
		Files.move(next, this.plugins.resolve(name + ".jar"), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * A configurable, lifecycle-aware greeter whose {@code configure}, {@code getChildPids}
	 * and {@code forceCleanup} hang or throw as {@link Greeters#hanging} and
	 * {@link Greeters#throwing} set.
	 */
	private static Map<String, String> lifecycleAware(String name, String mark) {
		String pkg = "com.acme." + name;
		return Map.of(pkg + ".Greeter", """
				package %1$s;

				import java.util.List;
				import java.util.Map;

				import dev.unifiedplugins.core.PluginExecutionMode;
				import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
				import dev.unifiedplugins.systems.ConfigurablePlugin;
				import dev.unifiedplugins.systems.GreeterPlugin;
				import dev.unifiedplugins.systems.Greeters;
				import dev.unifiedplugins.systems.PluginInfo;

				@PluginInfo(name = "%2$s", version = "1.0.0")
				public class Greeter implements GreeterPlugin, ConfigurablePlugin<Config>, LifecycleAwarePlugin {
					private Config config;
					public Greeter() { Greeters.constructing("%2$s"); }
					public void configure(Config config) { Greeters.step("%2$s", "configure"); this.config = config; }
					public String greet(String who) { return config.greeting() + " " + who + "%3$s"; }
					public PluginExecutionMode getExecutionMode() { return PluginExecutionMode.IN_PROCESS; }
					public List<Long> getChildPids() { Greeters.step("%2$s", "pids"); return List.of(); }
					public Map<String, Object> getManagedResources() { return Map.of(); }
					public void forceCleanup() { Greeters.cleaningUp("%2$s"); Greeters.step("%2$s", "cleanup"); }
				}
				""".formatted(pkg, name, mark), pkg + ".Config", """
				package %1$s;

				import com.fasterxml.jackson.annotation.JsonProperty;

				public record Config(@JsonProperty(defaultValue = "Hello") String greeting) {
				}
				""".formatted(pkg));
	}

}
