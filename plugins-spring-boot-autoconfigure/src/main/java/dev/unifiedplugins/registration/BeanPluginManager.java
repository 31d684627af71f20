package dev.unifiedplugins.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.systems.PluginDefinition;
import dev.unifiedplugins.systems.PluginInfo;
import dev.unifiedplugins.systems.PluginSystemManager;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The beans of a plugin interface as a plugin system, one line in a configuration class:
 * <pre class="code">
 * &#064;Bean
 * BeanPluginManager&lt;TranscriptionPlugin&gt; transcription(ListableBeanFactory beanFactory) {
 *     return new BeanPluginManager&lt;&gt;(beanFactory, TranscriptionPlugin.class);
 * }
 * </pre>
 * Discovery reads bean definitions and types only, so a lazy bean is not created until it
 * is loaded. A plugin is named by {@link PluginInfo#name()} or its class's
 * {@code pluginDescriptor()} method, else by its bean name. Declare the implementation
 * class as a {@code @Bean} method's return type: the annotation is read from the type the
 * bean factory predicts. Loading gets the bean; a reload of a singleton configures the
 * same instance again.
 *
 * @param <T> the plugin interface
 */
public class BeanPluginManager<T> extends PluginSystemManager<T> {

	private final ListableBeanFactory beanFactory;

	/**
	 * Creates a manager.
	 * @param beanFactory where the plugin beans are
	 * @param pluginType the plugin interface
	 */
	public BeanPluginManager(ListableBeanFactory beanFactory, Class<T> pluginType) {
		super(pluginType);
		this.beanFactory = beanFactory;
	}

	@Override
	protected List<Candidate<T>> findPlugins(Map<String, String> failures) {
		List<Candidate<T>> found = new ArrayList<>();
		// No eager init: neither lazy beans nor factory beans are created to learn their type.
		for (String beanName : this.beanFactory.getBeanNamesForType(getPluginType(), true, false)) {
			String source = "bean '" + beanName + "'";
			Class<?> type = this.beanFactory.getType(beanName, false);
			if (type == null) {
				failures.put(source, "its type cannot be known without creating it");
				continue;
			}
			Class<?> userType = ClassUtils.getUserClass(type);
			try {
				PluginDefinition definition = PluginDefinition.of(userType);
				if (!PluginDefinition.namesItself(userType)) {
					definition = definition.withName(beanName);
				}
				found.add(new Candidate<>(definition, () -> this.beanFactory.getBean(beanName, getPluginType()), source));
			}
			catch (RuntimeException | LinkageError ex) {
				failures.put(source, ex.toString());
			}
		}
		return found;
	}

}
