package dev.unifiedplugins.systems;

import java.io.IOException;
import java.nio.file.Path;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.OpenFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests over a directory of real greeter JARs, {@link #plugins}, registered as the category
 * {@code greeters} with a {@link PluginLifecycle}: each test class puts its JARs in the
 * directory, then calls {@link #register()}; everything is closed after each test.
 * <p>
 * The helpers keep no plugin instance, class or loader beyond the call that uses it.
 */
abstract class AbstractGreeterJarDirectoryTests {

	static final String FRENCH = "greeters_french";

	@TempDir
	Path plugins;

	@TempDir
	Path configDir;

	JarDirectoryPluginManager<GreeterPlugin> manager;

	UnifiedPluginRegistry registry;

	PluginLifecycle lifecycle;

	/** The directory's JARs as the category {@code greeters}, their counts from zero. */
	void register() {
		Greeters.reset();
		this.manager = new JarDirectoryPluginManager<>(GreeterPlugin.class, this.plugins);
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.registry.registerPluginManager("greeters", this.manager);
		this.lifecycle = new PluginLifecycle(this.registry);
	}

	@AfterEach
	void close() throws IOException {
		this.lifecycle.close();
		this.manager.close();
	}

	/** The loaded French plugin's greeting of Luc, or {@code null} where none is loaded. */
	String greet() {
		return this.registry.getPluginInstance(FRENCH)
			.map((plugin) -> ((GreeterPlugin) plugin).greet("Luc"))
			.orElse(null);
	}

	ClassLoader loadedLoader() {
		return this.registry.getPluginInstance(FRENCH).orElseThrow().getClass().getClassLoader();
	}

	int jarCount() throws IOException {
		return ReleasedLoaders.jarCount(this.plugins);
	}

	int openFilesUnderPlugins() {
		return OpenFiles.under(this.plugins);
	}

}
