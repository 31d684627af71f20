package dev.unifiedplugins.systems;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.Threads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link PluginLifecycle#watch(String, Duration)} over a directory of real plugin JARs: two
 * builds of {@code french.jar} whose code differs (their greetings end in " (v1)" and
 * " (v2)") are moved or copied over each other, with no rescan or load called by hand.
 * <p>
 * The test keeps no plugin instance, class or loader in a local variable across a reload.
 */
class JarDirectoryWatcherTests extends AbstractGreeterJarDirectoryTests {

	/** Fast checks for most tests: the settle delay is half of it. */
	private static final Duration FAST = Duration.ofMillis(200);

	@TempDir
	static Path builds;

	private static Path v1;

	private static Path v2;

	private static Path german;

	@BeforeAll
	static void buildJars() throws IOException {
		v1 = french(builds.resolve("v1.jar"), " (v1)");
		v2 = french(builds.resolve("v2.jar"), " (v2)");
		german = PluginJars.build(builds.resolve("german.jar"),
				PluginJars.greeter("com.acme.german", "GermanGreeter", "german", "Hallo"),
				"com.acme.german.GermanGreeter");
	}

	@BeforeEach
	void registerV1() throws IOException {
		Files.copy(v1, this.plugins.resolve("french.jar"));
		register();
	}

	@Test
	void aJarMovedOverALoadedOneAnswersWithItsNewCodeAndSavedConfigurationWithinThreeSeconds() throws IOException {
		this.registry.savePluginConfig(FRENCH, Map.of("greeting", "Salut"));
		this.lifecycle.load(FRENCH);
		// The interval of plugins.watch.rescan-interval's default.
		this.lifecycle.watch("greeters", Duration.ofSeconds(1));
		assertThat(greet()).isEqualTo("Salut Luc (v1)");
		WeakReference<ClassLoader> old = new WeakReference<>(loadedLoader());
		long start = System.nanoTime();
		move(v2);
		Await.until("the moved JAR answers", () -> "Salut Luc (v2)".equals(greet()));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		assertThat(this.lifecycle.getLoadError(FRENCH)).isEmpty();
		assertThat(Greeters.created("french")).isEqualTo(2);
		assertReleased(old);
	}

	@Test
	void aJarCopiedInPlaceOverALoadedOneAnswersWithItsNewCodeWithinThreeSeconds() throws IOException {
		this.registry.savePluginConfig(FRENCH, Map.of("greeting", "Salut"));
		this.lifecycle.load(FRENCH);
		this.lifecycle.watch("greeters", Duration.ofSeconds(1));
		WeakReference<ClassLoader> old = new WeakReference<>(loadedLoader());
		Object fileKey = Files.readAttributes(french(), BasicFileAttributes.class).fileKey();
		long start = System.nanoTime();
		copyInPlace(v2, 4);
		Await.until("the copied JAR answers", () -> "Salut Luc (v2)".equals(greet()));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		// As cp does: the same file, rewritten.
		assertThat(Files.readAttributes(french(), BasicFileAttributes.class).fileKey())
			.isEqualTo(fileKey);
		assertReleased(old);
	}

	@Test
	void aJarAddedToAWatchedDirectoryBecomesAPluginNotLoaded() throws IOException {
		this.lifecycle.watch("greeters", FAST);
		Path next = this.plugins.resolve(".german.jar.part");
		Files.copy(german, next);
		Files.move(next, this.plugins.resolve("german.jar"), StandardCopyOption.ATOMIC_MOVE);
		Await.until("the added JAR is a plugin", () -> this.registry.getPlugin("greeters_german").isPresent());
		assertThat(this.registry.getPluginInstance("greeters_german")).isEmpty();
		assertThat(Greeters.created("german")).isZero();
		assertThat(((GreeterPlugin) this.lifecycle.load("greeters_german")).greet("Max")).isEqualTo("Hallo Max");
	}

	@Test
	void aJarRemovedFromAWatchedDirectoryIsUnloadedAndItsPluginGone() throws IOException {
		this.lifecycle.load(FRENCH);
		this.lifecycle.watch("greeters", FAST);
		WeakReference<ClassLoader> old = new WeakReference<>(loadedLoader());
		Files.delete(french());
		// A rescan unregisters the plugin, then unloads its instance: wait for both.
		Await.until("the removed JAR's plugin is gone and unloaded",
				() -> this.registry.getPlugin(FRENCH).isEmpty() && this.manager.getPlugin("french").isEmpty());
		assertThat(this.registry.getPluginInstance(FRENCH)).isEmpty();
		assertReleased(old);
	}

	@Test
	void aHalfWrittenJarKeepsThePluginsItHadAndIsLoadedOnceWhole() throws IOException {
		this.registry.savePluginConfig(FRENCH, Map.of("greeting", "Salut"));
		this.lifecycle.load(FRENCH);
		this.lifecycle.watch("greeters", FAST);
		byte[] content = Files.readAllBytes(v2);
		int half = content.length / 2;
		Files.write(french(), Arrays.copyOf(content, half), StandardOpenOption.TRUNCATE_EXISTING);
		// Still long enough to be read: it cannot be opened, and keeps the plugin it had.
		Await.until("the half-written JAR is read", () -> this.manager.getDiscoveryFailures().containsKey("french.jar"));
		assertThat(this.manager.getDiscoveryFailures().get("french.jar"))
			.contains("the plugins of its last readable content stay");
		assertThat(this.registry.getPlugin(FRENCH)).isPresent();
		assertThat(greet()).isEqualTo("Salut Luc (v1)");
		try (OutputStream out = Files.newOutputStream(french(), StandardOpenOption.APPEND)) {
			out.write(content, half, content.length - half);
		}
		Await.until("the whole JAR answers", () -> "Salut Luc (v2)".equals(greet()));
		assertThat(this.manager.getDiscoveryFailures()).isEmpty();
		assertThat(this.lifecycle.getLoadError(FRENCH)).isEmpty();
	}

	@Test
	void aHalfWrittenNewJarBecomesAPluginOnceWhole() throws IOException {
		this.lifecycle.watch("greeters", FAST);
		byte[] content = Files.readAllBytes(german);
		int half = content.length / 2;
		Path jar = this.plugins.resolve("german.jar");
		Files.write(jar, Arrays.copyOf(content, half));
		Await.until("the half-written JAR is read", () -> this.manager.getDiscoveryFailures().containsKey("german.jar"));
		assertThat(this.registry.getPlugin("greeters_german")).isEmpty();
		try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.APPEND)) {
			out.write(content, half, content.length - half);
		}
		Await.until("the whole JAR is a plugin", () -> this.registry.getPlugin("greeters_german").isPresent());
		assertThat(this.manager.getDiscoveryFailures()).isEmpty();
	}

	@Test
	void aReloadThatFailsKeepsTheOldInstanceAndRecordsTheError() throws IOException {
		this.lifecycle.load(FRENCH);
		this.lifecycle.watch("greeters", FAST);
		Greeters.failing("french", true);
		move(v2);
		Await.until("the reload fails", () -> this.lifecycle.getLoadError(FRENCH).isPresent());
		assertThat(this.lifecycle.getLoadError(FRENCH).orElseThrow()).contains("fails on purpose");
		assertThat(greet()).isEqualTo("Bonjour Luc (v1)");
		// A save reloads it, from the new JAR.
		Greeters.failing("french", false);
		this.registry.savePluginConfig(FRENCH, Map.of("greeting", "Salut"));
		Await.until("the save reloads it", () -> "Salut Luc (v2)".equals(greet()));
		assertThat(this.lifecycle.getLoadError(FRENCH)).isEmpty();
	}

	@Test
	void aChangeMadeBeforeTheWatchStartedIsRescanned() throws IOException {
		this.lifecycle.load(FRENCH);
		move(v2);
		this.lifecycle.watch("greeters", FAST);
		Await.until("the JAR replaced before the watch answers", () -> "Bonjour Luc (v2)".equals(greet()));
	}

	@Test
	void onlyADirectoryOfJarsIsWatched() {
		this.registry.registerPluginManager("services", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		assertThatIllegalArgumentException().isThrownBy(() -> this.lifecycle.watch("services", FAST))
			.withMessageContaining("Only a directory of JARs can be watched")
			.withMessageContaining("'services'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.lifecycle.watch("missing", FAST))
			.withMessageContaining("'missing'");
	}

	@Test
	void aDirectoryCreatedAfterTheWatchStartedIsWatched() throws IOException {
		Path later = this.plugins.resolve("later");
		JarDirectoryPluginManager<GreeterPlugin> jars = new JarDirectoryPluginManager<>(GreeterPlugin.class, later);
		try (jars) {
			this.registry.registerPluginManager("later", jars);
			this.lifecycle.watch("later", FAST);
			Files.createDirectories(later);
			Files.copy(german, later.resolve("german.jar"));
			Await.until("the JAR of the new directory is a plugin", () -> this.registry.getPlugin("later_german").isPresent());
		}
	}

	@Test
	void closingTheLifecycleOrTheManagerStopsTheWatchersThreads() throws IOException {
		JarDirectoryWatcher watcher = this.lifecycle.watch("greeters", FAST);
		assertThat(watcher.getDirectory()).isEqualTo(this.plugins);
		assertThat(watcherThreads("greeters")).containsExactlyInAnyOrder("plugins-jar-watch-greeters",
				"plugins-jar-events-greeters");
		this.lifecycle.close();
		assertThat(watcher.isClosed()).isTrue();
		Await.until("the watcher's threads end", () -> watcherThreads("greeters").isEmpty());
		try (PluginLifecycle other = new PluginLifecycle(this.registry)) {
			JarDirectoryWatcher again = other.watch("greeters", FAST);
			this.manager.close();
			assertThat(again.isClosed()).isTrue();
			Await.until("the watcher's threads end", () -> watcherThreads("greeters").isEmpty());
		}
	}

	@Test
	void aHundredReplacementsLeaveLoadersThreadsAndOpenFilesFlat() throws IOException {
		this.lifecycle.load(FRENCH);
		this.lifecycle.watch("greeters", Duration.ofMillis(100));
		int threads = threadsOutsideTheLifecyclesPools();
		int jars = jarCount();
		List<WeakReference<ClassLoader>> released = new ArrayList<>();
		int maxThreads = 0;
		for (int round = 0; round < 100; round++) {
			WeakReference<ClassLoader> old = new WeakReference<>(loadedLoader());
			released.add(old);
			String version = (round % 2 == 0) ? " (v2)" : " (v1)";
			move((round % 2 == 0) ? v2 : v1);
			Await.until("round " + round + " answers", () -> ("Bonjour Luc" + version).equals(greet()));
			// Closed once the old instance is cleaned up, right after the new one is in place.
			Await.until("round " + round + " closes the old loader and its file",
					() -> ReleasedLoaders.isClosed(old) && openFilesUnderPlugins() <= jars);
			maxThreads = Math.max(maxThreads, threadsOutsideTheLifecyclesPools());
		}
		assertThat(maxThreads).isLessThanOrEqualTo(threads);
		// Its pools of reloads (4) and of calls into plugin code (32) are bounded.
		assertThat(Threads.named("plugins-reload-")).isLessThanOrEqualTo(4);
		assertThat(Threads.named("plugins-lifecycle-")).isLessThanOrEqualTo(32);
		assertThat(watcherThreads("greeters")).hasSize(2);
		ReleasedLoaders.assertCollected(released);
	}

	private static Path french(Path jar, String mark) throws IOException {
		return PluginJars.build(jar, PluginJars.greeter("com.acme.french", "FrenchGreeter", "french", "Bonjour", mark),
				"com.acme.french.FrenchGreeter");
	}

	private Path french() {
		return this.plugins.resolve("french.jar");
	}

	/** A new file moved over the old one, as a deploy that moves a JAR in does ({@code mv}). */
	private void move(Path build) throws IOException {
		Path next = this.plugins.resolve(".french.jar.part");
		Files.copy(build, next, StandardCopyOption.REPLACE_EXISTING);
		Files.move(next, french(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/** The old file truncated and written again in a few writes, as {@code cp} does. */
	private void copyInPlace(Path build, int writes) throws IOException {
		byte[] content = Files.readAllBytes(build);
		try (OutputStream out = Files.newOutputStream(french(), StandardOpenOption.TRUNCATE_EXISTING)) {
			int chunk = content.length / writes + 1;
			for (int offset = 0; offset < content.length; offset += chunk) {
				out.write(content, offset, Math.min(chunk, content.length - offset));
				out.flush();
			}
		}
	}

	private void assertReleased(WeakReference<ClassLoader> old) throws IOException {
		int jars = jarCount();
		Await.until("the old loader and its file are closed",
				() -> ReleasedLoaders.isClosed(old) && openFilesUnderPlugins() <= jars);
		ReleasedLoaders.assertCollected(List.of(old));
	}

	private static int threadsOutsideTheLifecyclesPools() {
		return Threads.outside("plugins-reload-", "plugins-lifecycle-");
	}

	private static List<String> watcherThreads(String category) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("plugins-jar-") && name.endsWith("-" + category))
			.toList();
	}

}
