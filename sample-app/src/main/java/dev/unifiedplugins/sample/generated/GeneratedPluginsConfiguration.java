package dev.unifiedplugins.sample.generated;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;

import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Synthetic plugins for load and startup measurements (see {@code benchmarks/run-e2e.sh}):
 * when {@code sample.generated-plugins} is above 0, that many in-process plugins with
 * small schemas, in {@code PluginManager} beans of {@value #PER_CATEGORY} plugins each
 * ({@code generated_00}, {@code generated_01}, ...). Off by default.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${sample.generated-plugins:0} > 0")
public class GeneratedPluginsConfiguration {

	/** Plugins per generated category. */
	static final int PER_CATEGORY = 100;

	@Bean
	static BeanDefinitionRegistryPostProcessor generatedPluginManagers(Environment environment) {
		int count = environment.getProperty("sample.generated-plugins", Integer.class, 0);
		return new ManagersRegistrar(count);
	}

	/** Registers one manager bean per category of generated plugins. */
	static final class ManagersRegistrar implements BeanDefinitionRegistryPostProcessor {

		private final int count;

		ManagersRegistrar(int count) {
			this.count = count;
		}

		@Override
		public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
			int categories = (this.count + PER_CATEGORY - 1) / PER_CATEGORY;
			for (int c = 0; c < categories; c++) {
				String category = "generated_" + ((c < 10) ? "0" + c : Integer.toString(c));
				int plugins = Math.min(PER_CATEGORY, this.count - c * PER_CATEGORY);
				registry.registerBeanDefinition(category + "PluginManager",
						BeanDefinitionBuilder
							.genericBeanDefinition(GeneratedPluginManager.class,
									() -> new GeneratedPluginManager(category, plugins))
							.getBeanDefinition());
			}
		}

	}

	/** A plugin system of generated, in-process plugins that are never loaded. */
	public static final class GeneratedPluginManager implements PluginManager {

		private final String category;

		private final int count;

		GeneratedPluginManager(String category, int count) {
			this.category = category;
			this.count = count;
		}

		@Override
		public List<PluginDescriptor> discoverPlugins() {
			List<PluginDescriptor> descriptors = new ArrayList<>(this.count);
			for (int i = 0; i < this.count; i++) {
				String name = "plugin_" + (1000 + i);
				descriptors.add(PluginDescriptor.builder(name)
					.version("1.0." + (i % 10))
					.configSchema(schema(this.category + " " + name))
					.executionMode(PluginExecutionMode.IN_PROCESS)
					.build());
			}
			return descriptors;
		}

		@Override
		public String category() {
			return this.category;
		}

		@Override
		public String displayName() {
			return "Generated " + this.category.substring(this.category.indexOf('_') + 1);
		}

		private static Map<String, Object> schema(String title) {
			Map<String, Object> model = new LinkedHashMap<>();
			model.put("type", "string");
			model.put("default", "base");
			Map<String, Object> temperature = new LinkedHashMap<>();
			temperature.put("type", "number");
			temperature.put("minimum", 0.0);
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("model", model);
			properties.put("temperature", temperature);
			Map<String, Object> schema = new LinkedHashMap<>();
			schema.put("title", title);
			schema.put("type", "object");
			schema.put("properties", properties);
			return schema;
		}

	}

}
