package dev.unifiedplugins.testsupport;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;

/**
 * A plain {@link PluginManager} that reports fixed descriptors and hands out the instances
 * a test puts in it, the way a real manager returns its loaded plugins.
 */
public class TestPluginManager implements PluginManager {

	private final List<PluginDescriptor> descriptors;

	private final Map<String, Object> instances = new ConcurrentHashMap<>();

	private final AtomicInteger discoveries = new AtomicInteger();

	public TestPluginManager(PluginDescriptor... descriptors) {
		this.descriptors = List.of(descriptors);
	}

	/**
	 * A manager of in-process plugins with the given names and nothing else.
	 * @param names the plugin names
	 * @return the manager
	 */
	public static TestPluginManager of(String... names) {
		return new TestPluginManager(
				Arrays.stream(names).map((name) -> PluginDescriptor.builder(name).build()).toArray(PluginDescriptor[]::new));
	}

	/**
	 * A manager of in-process plugins named by the keys, in their iteration order, each
	 * loaded as its value; a null value is a plugin discovered but not loaded.
	 * @param instances the instances by plugin name
	 * @return the manager
	 */
	public static TestPluginManager of(Map<String, ?> instances) {
		TestPluginManager manager = of(instances.keySet().toArray(String[]::new));
		instances.forEach((name, instance) -> {
			if (instance != null) {
				manager.withInstance(name, instance);
			}
		});
		return manager;
	}

	/**
	 * Makes a plugin "loaded": {@link #getPlugin(String)} returns the instance from now on.
	 * @param name the plugin name
	 * @param instance the live instance
	 * @return this manager
	 */
	public TestPluginManager withInstance(String name, Object instance) {
		this.instances.put(name, instance);
		return this;
	}

	@Override
	public List<PluginDescriptor> discoverPlugins() {
		this.discoveries.incrementAndGet();
		return this.descriptors;
	}

	@Override
	public Optional<Object> getPlugin(String name) {
		return Optional.ofNullable(this.instances.get(name));
	}

	/**
	 * How often {@link #discoverPlugins()} was called.
	 * @return the number of calls
	 */
	public int discoveries() {
		return this.discoveries.get();
	}

}
