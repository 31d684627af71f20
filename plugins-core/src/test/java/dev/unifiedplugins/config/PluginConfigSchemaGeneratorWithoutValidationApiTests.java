package dev.unifiedplugins.config;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jakarta Validation is an optional dependency: schemas are generated without it on the
 * class path, just without constraints.
 */
class PluginConfigSchemaGeneratorWithoutValidationApiTests {

	@Test
	@SuppressWarnings("unchecked")
	void generatesSchemasWithoutJakartaValidationOnTheClassPath() throws Exception {
		try (URLClassLoader loader = new WithoutValidationApi(classPath())) {
			Class<?> generator = loader.loadClass(PluginConfigSchemaGenerator.class.getName());
			assertThat(generator).isNotSameAs(PluginConfigSchemaGenerator.class);
			Class<?> config = loader.loadClass(PlainConfig.class.getName());
			Map<String, Object> schema = (Map<String, Object>) generator.getMethod("generate", Class.class)
				.invoke(null, config);
			assertThat((Map<String, Object>) schema.get("properties")).containsOnlyKeys("model", "threads");
		}
	}

	private static URL[] classPath() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map((entry) -> {
			try {
				return Path.of(entry).toUri().toURL();
			}
			catch (MalformedURLException ex) {
				throw new IllegalStateException(ex);
			}
		}).toArray(URL[]::new);
	}

	/** A configuration without constraints, as an application without the API has. */
	public record PlainConfig(String model, int threads) {
	}

	/** Loads everything itself, except the Jakarta Validation API, which it hides. */
	static final class WithoutValidationApi extends URLClassLoader {

		WithoutValidationApi(URL[] urls) {
			super(urls, ClassLoader.getPlatformClassLoader());
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (name.startsWith("jakarta.validation.")) {
				throw new ClassNotFoundException(name + " is hidden by this test");
			}
			return super.loadClass(name, resolve);
		}

	}

}
