package dev.unifiedplugins.systems;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link JarDirectoryPluginManager} releasing replaced and removed JARs: their class loaders
 * are closed once nothing loaded from them remains, and collected; resources and
 * replacements are read from the JAR as it is now. Two builds of {@code french.jar}, alike
 * but for their greeting ("Hola", "Olla") and of the same size, are copied over each other.
 * <p>
 * The test keeps no plugin instance, class or loader in a local variable across a reload:
 * the helpers return strings and weak references only.
 */
class JarClassLoaderReleaseTests extends AbstractGreeterJarDirectoryTests {

	private static final String RESOURCE = "greeting.txt";

	@TempDir
	Path builds;

	private Path hola;

	private Path olla;

	@BeforeEach
	void buildJars() throws IOException {
		this.hola = french(this.builds.resolve("hola.jar"), "Hola");
		this.olla = french(this.builds.resolve("olla.jar"), "Olla");
		PluginJars.build(this.plugins.resolve("spanish.jar"),
				PluginJars.greeter("com.acme.spanish", "SpanishGreeter", "spanish", "Buenas"),
				"com.acme.spanish.SpanishGreeter");
		Files.copy(this.hola, this.plugins.resolve("french.jar"));
		register();
	}

	@Test
	void aRescanReloadsAReplacedJarsPluginAndClosesTheOldLoaderWhichIsCollected() throws IOException {
		this.lifecycle.load(FRENCH);
		WeakReference<ClassLoader> first = new WeakReference<>(loadedLoader());
		WeakReference<ClassLoader> spanish = new WeakReference<>(definitionLoader("spanish"));
		replaceFrench(this.olla);
		this.lifecycle.rescan("greeters");
		// A JAR not replaced keeps its loader, open.
		assertThat(definitionLoader("spanish")).isSameAs(spanish.get());
		assertThat(isClosed(spanish)).isFalse();
		assertRunsOn("Olla");
		assertThat(this.lifecycle.getLoadError(FRENCH)).isEmpty();
		assertReleased(first);
	}

	@Test
	void aReplacedJarsLoaderStaysOpenWhileItsReloadFailsThenIsClosedAndCollected() throws IOException {
		this.lifecycle.load(FRENCH);
		WeakReference<ClassLoader> first = new WeakReference<>(loadedLoader());
		replaceFrench(this.olla);
		Greeters.failing("french", true);
		this.lifecycle.rescan("greeters");
		// The loaded instance still runs on the old JAR, which is still open.
		assertThat(this.lifecycle.getLoadError(FRENCH)).hasValueSatisfying(
				(error) -> assertThat(error).contains("fails on purpose"));
		assertRunsOn("Hola");
		assertThat(definitionResource()).isEqualTo("Olla");
		assertThat(isClosed(first)).isFalse();
		Greeters.failing("french", false);
		this.lifecycle.load(FRENCH);
		assertRunsOn("Olla");
		assertThat(this.lifecycle.getLoadError(FRENCH)).isEmpty();
		assertReleased(first);
	}

	@Test
	void aRemovedJarsLoaderIsClosedAndCollectedWhenTheRescanUnloadsItsPlugin() throws IOException {
		this.lifecycle.load(FRENCH);
		assertThat(loadedResource()).isEqualTo("Hola");
		WeakReference<ClassLoader> french = new WeakReference<>(loadedLoader());
		Files.delete(this.plugins.resolve("french.jar"));
		this.lifecycle.rescan("greeters");
		assertThat(this.registry.getPluginInstance(FRENCH)).isEmpty();
		assertReleased(french);
	}

	@Test
	void resourcesAreReadFromTheJarAsItIsNow() throws IOException {
		this.lifecycle.load(FRENCH);
		// Read once through the old loader, which stays open while its plugin is loaded.
		assertThat(loadedResource()).isEqualTo("Hola");
		replaceFrench(this.olla);
		// The reload fails: the old instance, and its loader, stay.
		Greeters.failing("french", true);
		this.lifecycle.rescan("greeters");
		assertThat(definitionResource()).isEqualTo("Olla");
		URL url = definitionLoader("french").getResource(RESOURCE);
		assertThat(url).isNotNull();
		try (InputStream in = url.openStream()) {
			assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Olla");
		}
		assertThat(loadedResource()).isEqualTo("Hola");
	}

	@Test
	void aJarRewrittenWithTheSameSizeAndTimeIsNoticedByItsContent() throws IOException {
		Path french = this.plugins.resolve("french.jar");
		BasicFileAttributes before = Files.readAttributes(french, BasicFileAttributes.class);
		assumeThat(Files.size(this.olla)).as("the two builds have the same size").isEqualTo(before.size());
		// As cp -p does: the same file rewritten in place, its modification time put back.
		Files.write(french, Files.readAllBytes(this.olla), StandardOpenOption.TRUNCATE_EXISTING);
		Files.setLastModifiedTime(french, before.lastModifiedTime());
		BasicFileAttributes after = Files.readAttributes(french, BasicFileAttributes.class);
		assertThat(after.size()).isEqualTo(before.size());
		assertThat(after.lastModifiedTime()).isEqualTo(before.lastModifiedTime());
		assertThat(after.fileKey()).isEqualTo(before.fileKey());
		this.lifecycle.rescan("greeters");
		assertThat(greetingDefault()).isEqualTo("Olla");
		this.lifecycle.load(FRENCH);
		assertThat(greet()).isEqualTo("Olla Luc");
	}

	@Test
	void twoHundredReplacementsLeaveLoadersAndOpenFilesFlat() throws IOException {
		this.lifecycle.load(FRENCH);
		List<WeakReference<ClassLoader>> released = new ArrayList<>();
		int maxOpen = 0;
		for (int round = 0; round < 200; round++) {
			boolean even = round % 2 == 0;
			replaceFrench(even ? this.olla : this.hola);
			// The rescan reloads the plugin from the new JAR.
			this.lifecycle.rescan("greeters");
			String greeting = even ? "Olla" : "Hola";
			assertThat(greet()).as("round %d", round).isEqualTo(greeting + " Luc");
			assertThat(loadedResource()).as("round %d", round).isEqualTo(greeting);
			if (round < 199) {
				released.add(new WeakReference<>(loadedLoader()));
			}
			maxOpen = Math.max(maxOpen, openFilesUnderPlugins());
		}
		assertThat(maxOpen).isLessThanOrEqualTo(jarCount());
		assertThat(released.stream().filter(JarClassLoaderReleaseTests::isClosed).count()).isEqualTo(released.size());
		assertCollected(released);
	}

	@Test
	void jarsAddedAndRemovedUnderNewNamesLeaveNoLoaderOrOpenFileFailedLoadsIncluded() throws IOException {
		Files.delete(this.plugins.resolve("french.jar"));
		this.lifecycle.rescan("greeters");
		List<WeakReference<ClassLoader>> released = new ArrayList<>();
		for (int round = 0; round < 100; round++) {
			Path jar = Files.copy((round % 2 == 0) ? this.hola : this.olla, this.plugins.resolve("french-" + round + ".jar"));
			this.lifecycle.rescan("greeters");
			released.add(new WeakReference<>(definitionLoader("french")));
			boolean failing = round % 3 == 0;
			Greeters.failing("french", failing);
			if (failing) {
				assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(FRENCH));
			}
			else {
				this.lifecycle.load(FRENCH);
			}
			Files.delete(jar);
			// Unloads the plugin, or forgets its failed load, and closes the JAR's loader.
			this.lifecycle.rescan("greeters");
			assertThat(this.lifecycle.getLoadError(FRENCH)).isEmpty();
		}
		assertThat(openFilesUnderPlugins()).isEqualTo(jarCount());
		assertThat(released.stream().filter(JarClassLoaderReleaseTests::isClosed).count()).isEqualTo(released.size());
		assertCollected(released);
	}

	private static Path french(Path jar, String greeting) throws IOException {
		return PluginJars.build(jar, PluginJars.greeter("com.acme.french", "FrenchGreeter", "french", greeting),
				Map.of(RESOURCE, greeting), true, "com.acme.french.FrenchGreeter");
	}

	/** A new file in place of the old one, as a deploy that copies or moves a JAR does. */
	private void replaceFrench(Path build) throws IOException {
		Path next = this.plugins.resolve("french.jar.next");
		Files.copy(build, next);
		Files.move(next, this.plugins.resolve("french.jar"), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
	}

	/** The loaded French plugin greets with, and reads the resource of, the given build. */
	private void assertRunsOn(String greeting) throws IOException {
		assertThat(greet()).isEqualTo(greeting + " Luc");
		assertThat(loadedResource()).isEqualTo(greeting);
	}

	/** The loader is closed and collected, and no more files are open than there are JARs. */
	private void assertReleased(WeakReference<ClassLoader> loader) throws IOException {
		assertThat(isClosed(loader)).isTrue();
		assertCollected(List.of(loader));
		assertThat(openFilesUnderPlugins()).isLessThanOrEqualTo(jarCount());
	}

	private ClassLoader definitionLoader(String name) {
		return this.manager.getDefinitions().get(name).implementation().getClassLoader();
	}

	private String loadedResource() throws IOException {
		return read(loadedLoader());
	}

	private String definitionResource() throws IOException {
		return read(definitionLoader("french"));
	}

	private String greetingDefault() {
		Object greeting = ((Map<?, ?>) this.registry.getRegisteredPlugin(FRENCH)
			.orElseThrow()
			.configSchema()
			.get("properties")).get("greeting");
		return String.valueOf(((Map<?, ?>) greeting).get("default"));
	}

	private static String read(ClassLoader loader) throws IOException {
		try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
			assertThat(in).as("resource %s of %s", RESOURCE, loader).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static boolean isClosed(WeakReference<ClassLoader> reference) {
		return ReleasedLoaders.isClosed(reference);
	}

	private static void assertCollected(List<WeakReference<ClassLoader>> references) {
		ReleasedLoaders.assertCollected(references);
	}

}
