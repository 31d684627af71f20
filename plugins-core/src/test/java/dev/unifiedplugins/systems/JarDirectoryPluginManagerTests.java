package dev.unifiedplugins.systems;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link JarDirectoryPluginManager} over a directory of JARs built by the test: two plugin
 * JARs, one whose services file names a missing class, and one that is not a zip at all.
 */
class JarDirectoryPluginManagerTests {

	@TempDir
	Path plugins;

	@TempDir
	Path configDir;

	private JarDirectoryPluginManager<GreeterPlugin> manager;

	private UnifiedPluginRegistry registry;

	private PluginLifecycle lifecycle;

	@BeforeEach
	void buildJars() throws IOException {
		Greeters.reset();
		PluginJars.build(this.plugins.resolve("spanish.jar"),
				PluginJars.greeter("com.acme.spanish", "SpanishGreeter", "spanish", "Hola"),
				"com.acme.spanish.SpanishGreeter");
		PluginJars.build(this.plugins.resolve("french.jar"),
				PluginJars.greeter("com.acme.french", "FrenchGreeter", "french", "Bonjour"),
				"com.acme.french.FrenchGreeter");
		PluginJars.build(this.plugins.resolve("broken.jar"), Map.of(), "com.acme.missing.GhostGreeter");
		Files.writeString(this.plugins.resolve("corrupt.jar"), "not a zip", StandardCharsets.UTF_8);
		Files.writeString(this.plugins.resolve("README.txt"), "not a jar", StandardCharsets.UTF_8);
		this.manager = new JarDirectoryPluginManager<>(GreeterPlugin.class, this.plugins);
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.lifecycle = new PluginLifecycle(this.registry);
	}

	@AfterEach
	void close() throws IOException {
		this.lifecycle.close();
		this.manager.close();
	}

	@Test
	void discoversThePluginsOfEachJarWithoutInstantiatingThem() {
		assertThat(this.manager.discoverPlugins()).extracting(PluginDescriptor::name)
			.containsExactly("french", "spanish");
		assertThat(Greeters.created("french")).isZero();
		assertThat(Greeters.created("spanish")).isZero();
	}

	@Test
	void eachJarHasItsOwnClassLoaderUnderTheApplications() {
		this.manager.discoverPlugins();
		Class<?> french = this.manager.getDefinitions().get("french").implementation();
		Class<?> spanish = this.manager.getDefinitions().get("spanish").implementation();
		assertThat(french.getClassLoader()).isNotSameAs(spanish.getClassLoader());
		assertThat(french.getClassLoader().getParent()).isSameAs(GreeterPlugin.class.getClassLoader());
	}

	@Test
	void brokenJarsAreTheirOwnFailuresNotTheCategorys() {
		this.registry.registerPluginManager("greeters", this.manager);
		assertThat(this.registry.getRegistrationFailures()).isEmpty();
		assertThat(this.registry.getPluginsByCategory("greeters")).extracting(PluginMetadata::name)
			.containsExactly("french", "spanish");
		assertThat(this.manager.getDiscoveryFailures()).containsOnlyKeys("broken.jar", "corrupt.jar");
		assertThat(this.manager.getDiscoveryFailures().get("broken.jar")).contains("com.acme.missing.GhostGreeter");
	}

	@Test
	void aNameTooLongForAUniqueIdInTheCategoryIsThatPluginsFailureNotTheCategorys() throws IOException {
		String name = "g".repeat(125);
		PluginJars.build(this.plugins.resolve("long.jar"),
				PluginJars.greeter("com.acme.longer", "LongGreeter", name, "Hey"), "com.acme.longer.LongGreeter");
		this.manager.setCategory("greeters");
		this.registry.registerPluginManager("greeters", this.manager);
		assertThat(this.registry.getRegistrationFailures()).isEmpty();
		assertThat(this.registry.getPluginsByCategory("greeters")).extracting(PluginMetadata::name)
			.containsExactly("french", "spanish");
		assertThat(this.manager.getDiscoveryFailures()).containsKey("com.acme.longer.LongGreeter");
		assertThat(this.manager.getDiscoveryFailures().get("com.acme.longer.LongGreeter"))
			.startsWith("Illegal unique id 'greeters_ggg")
			.contains("(134 chars)");
	}

	@Test
	void loadsWithTheSchemaDefaultsAndWithSavedValues() {
		this.registry.registerPluginManager("greeters", this.manager);
		this.registry.savePluginConfig("greeters_french", Map.of("greeting", "Salut"));
		GreeterPlugin spanish = (GreeterPlugin) this.lifecycle.load("greeters_spanish");
		GreeterPlugin french = (GreeterPlugin) this.lifecycle.load("greeters_french");
		assertThat(spanish.greet("Ana")).isEqualTo("Hola Ana");
		assertThat(french.greet("Luc")).isEqualTo("Salut Luc");
		assertThat(this.registry.getPluginInstance("greeters_french")).containsSame(french);
	}

	@Test
	void aJarAddedLaterIsFoundByRescanAndLoadedPluginsKeepTheirInstance() throws IOException {
		this.registry.registerPluginManager("greeters", this.manager, "Greeters", true);
		Object spanish = this.lifecycle.load("greeters_spanish");
		PluginJars.build(this.plugins.resolve("german.jar"),
				PluginJars.greeter("com.acme.german", "GermanGreeter", "german", "Hallo"),
				"com.acme.german.GermanGreeter");
		this.lifecycle.rescan("greeters");
		assertThat(this.registry.getPluginsByCategory("greeters")).extracting(PluginMetadata::name)
			.containsExactly("french", "german", "spanish");
		assertThat(this.registry.getCategoryDisplayName("greeters")).isEqualTo("Greeters");
		assertThat(this.registry.getPluginInstance("greeters_spanish")).containsSame(spanish);
		assertThat(((GreeterPlugin) this.lifecycle.load("greeters_german")).greet("Max")).isEqualTo("Hallo Max");
	}

	@Test
	void aRescanTheRegistryRefusesChangesNothing() throws IOException {
		this.registry.registerPluginManager("greeters", this.manager);
		Object french = this.lifecycle.load("greeters_french");
		// "greeters" + "a_b" and "greeters_a" + "b" are both greeters_a_b.
		this.registry.registerPluginManager("greeters_a", () -> List.of(PluginDescriptor.builder("b").build()));
		PluginJars.build(this.plugins.resolve("colliding.jar"),
				PluginJars.greeter("com.acme.colliding", "CollidingGreeter", "a_b", "Hi"),
				"com.acme.colliding.CollidingGreeter");
		Files.delete(this.plugins.resolve("spanish.jar"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.lifecycle.rescan("greeters"))
			.withMessageContaining("greeters_a_b");
		assertThat(this.registry.getPluginsByCategory("greeters")).extracting(PluginMetadata::name)
			.containsExactly("french", "spanish");
		assertThat(this.registry.getRegistrationFailures()).containsOnlyKeys("greeters");
		assertThat(this.manager.getDefinitions()).containsOnlyKeys("french", "spanish");
		assertThat(this.manager.getDiscoveryFailures()).containsOnlyKeys("broken.jar", "corrupt.jar");
		assertThat(this.registry.getPluginInstance("greeters_french")).containsSame(french);
		assertThat(((GreeterPlugin) this.lifecycle.load("greeters_spanish")).greet("Ana")).isEqualTo("Hola Ana");
	}

	@Test
	void aJarReplacedOnDiskGetsANewClassLoaderAtTheNextRescan() throws IOException {
		this.registry.registerPluginManager("greeters", this.manager);
		ClassLoader before = this.manager.getDefinitions().get("french").implementation().getClassLoader();
		PluginJars.build(this.plugins.resolve("french.jar"),
				PluginJars.greeter("com.acme.french", "FrenchGreeter", "french", "Salut, salut"),
				"com.acme.french.FrenchGreeter");
		Files.setLastModifiedTime(this.plugins.resolve("french.jar"),
				java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
		this.lifecycle.rescan("greeters");
		assertThat(this.manager.getDefinitions().get("french").implementation().getClassLoader()).isNotSameAs(before);
		assertThat(((GreeterPlugin) this.lifecycle.load("greeters_french")).greet("Luc")).isEqualTo("Salut, salut Luc");
	}

	@Test
	void aJarThatCannotBeReadAnyMoreKeepsThePluginsOfItsLastReadableContent() throws IOException {
		this.registry.registerPluginManager("greeters", this.manager);
		Object french = this.lifecycle.load("greeters_french");
		// As a JAR being copied is, or one broken for good.
		Files.writeString(this.plugins.resolve("french.jar"), "not a zip yet", StandardCharsets.UTF_8);
		this.lifecycle.rescan("greeters");
		assertThat(this.manager.getDiscoveryFailures().get("french.jar")).contains("ZipException")
			.endsWith("; the plugins of its last readable content stay");
		assertThat(this.registry.getPluginsByCategory("greeters")).extracting(PluginMetadata::name)
			.containsExactly("french", "spanish");
		assertThat(this.registry.getPluginInstance("greeters_french")).containsSame(french);
		PluginJars.build(this.plugins.resolve("french.jar"),
				PluginJars.greeter("com.acme.french", "FrenchGreeter", "french", "Salut"),
				"com.acme.french.FrenchGreeter");
		this.lifecycle.rescan("greeters");
		assertThat(this.manager.getDiscoveryFailures()).doesNotContainKey("french.jar");
		assertThat(((GreeterPlugin) this.registry.getPluginInstance("greeters_french").orElseThrow()).greet("Luc"))
			.isEqualTo("Salut Luc");
	}

	@Test
	void aJarRemovedIsUnloadedByRescan() throws IOException {
		this.registry.registerPluginManager("greeters", this.manager);
		this.lifecycle.load("greeters_french");
		Files.delete(this.plugins.resolve("french.jar"));
		this.lifecycle.rescan("greeters");
		assertThat(this.registry.getPlugin("greeters_french")).isEmpty();
		assertThat(this.registry.getPluginInstance("greeters_french")).isEmpty();
		assertThat(this.manager.getPlugin("french")).isEmpty();
	}

}
