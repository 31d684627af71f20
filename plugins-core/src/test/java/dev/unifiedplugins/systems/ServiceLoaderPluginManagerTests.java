package dev.unifiedplugins.systems;

import java.nio.file.Path;
import java.util.List;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ServiceLoaderPluginManager} over the test class path, whose services file lists
 * {@link EnglishGreeter}, a missing class, {@link ComputedGreeter} and
 * {@link BadNameGreeter}.
 */
class ServiceLoaderPluginManagerTests {

	@TempDir
	Path configDir;

	@BeforeEach
	void reset() {
		Greeters.reset();
	}

	@Test
	void discoversListedProvidersWithoutInstantiatingThem() {
		ServiceLoaderPluginManager<GreeterPlugin> manager = new ServiceLoaderPluginManager<>(GreeterPlugin.class);
		List<PluginDescriptor> descriptors = manager.discoverPlugins();
		assertThat(descriptors).extracting(PluginDescriptor::name).containsExactly("english", "computed");
		assertThat(Greeters.created("english")).isZero();
		assertThat(Greeters.created("computed")).isZero();
		assertThat(manager.getPlugin("english")).isEmpty();
	}

	@Test
	void missingProviderClassAndIllegalNameAreDiscoveryFailuresAndTheOthersRegister() {
		ServiceLoaderPluginManager<GreeterPlugin> manager = new ServiceLoaderPluginManager<>(GreeterPlugin.class);
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.configDir);
		List<PluginMetadata> registered = registry.registerPluginManager("greeters", manager);
		assertThat(registered).extracting(PluginMetadata::uniqueId).containsExactly("greeters_english",
				"greeters_computed");
		assertThat(registry.getRegistrationFailures()).isEmpty();
		assertThat(manager.getDiscoveryFailures()).containsOnlyKeys(GreeterPlugin.class.getName(),
				BadNameGreeter.class.getName());
		assertThat(manager.getDiscoveryFailures().get(GreeterPlugin.class.getName()))
			.contains("dev.unifiedplugins.systems.MissingGreeter");
		assertThat(manager.getDiscoveryFailures().get(BadNameGreeter.class.getName()))
			.contains("Illegal plugin name 'bad name'");
	}

	@Test
	void registeredMetadataComesFromTheAnnotationAndTheGeneratedSchema() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.configDir);
		registry.registerPluginManager("greeters", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		PluginMetadata english = registry.getPlugin("greeters_english").orElseThrow();
		assertThat(english.title()).isEqualTo("English");
		assertThat(english.version()).isEqualTo("1.2.0");
		assertThat(english.configSchema()).containsKey("properties");
		assertThat(Greeters.created("english")).isZero();
	}

}
