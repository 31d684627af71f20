package dev.unifiedplugins.systems;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * The implementations of a plugin interface listed in {@code META-INF/services} on a class
 * loader. They are found with {@link ServiceLoader#stream()}, which gives each provider's
 * class without instantiating it; loading creates a new provider instance each time.
 * <p>
 * A listed class that is missing or does not implement the interface is left out and
 * reported by {@link #getDiscoveryFailures()}.
 *
 * @param <T> the plugin interface
 */
public class ServiceLoaderPluginManager<T> extends PluginSystemManager<T> {

	/** A bound on consecutive errors, should a provider iterator never move past one. */
	private static final int MAX_ERRORS = 1000;

	private final ClassLoader classLoader;

	/**
	 * Creates a manager over the class loader of the plugin interface.
	 * @param pluginType the plugin interface
	 */
	public ServiceLoaderPluginManager(Class<T> pluginType) {
		this(pluginType, pluginType.getClassLoader());
	}

	/**
	 * Creates a manager over a class loader.
	 * @param pluginType the plugin interface
	 * @param classLoader where to look for {@code META-INF/services}
	 */
	public ServiceLoaderPluginManager(Class<T> pluginType, ClassLoader classLoader) {
		super(pluginType);
		this.classLoader = Objects.requireNonNull(classLoader, "classLoader must not be null");
	}

	@Override
	protected List<Candidate<T>> findPlugins(Map<String, String> failures) {
		return find(getPluginType(), this.classLoader, (type) -> true, getPluginType().getName(), failures);
	}

	/**
	 * The providers a class loader lists, described but not instantiated.
	 * @param accept which provider classes to keep
	 * @param source names the failures of providers whose class is unknown
	 */
	static <T> List<Candidate<T>> find(Class<T> pluginType, ClassLoader classLoader, Predicate<Class<?>> accept,
			String source, Map<String, String> failures) {
		List<Candidate<T>> found = new ArrayList<>();
		Iterator<ServiceLoader.Provider<T>> providers = ServiceLoader.load(pluginType, classLoader).stream().iterator();
		int errors = 0;
		while (errors < MAX_ERRORS) {
			ServiceLoader.Provider<T> provider;
			try {
				if (!providers.hasNext()) {
					break;
				}
				provider = providers.next();
			}
			catch (ServiceConfigurationError ex) {
				// The iterator moves past the bad entry: the next call goes on with the rest.
				failures.merge(source, PluginFailures.describe(ex), (a, b) -> a + "; " + b);
				errors++;
				continue;
			}
			Class<? extends T> type = provider.type();
			if (!accept.test(type)) {
				continue;
			}
			try {
				found.add(new Candidate<>(PluginDefinition.of(type), provider::get, type.getName()));
			}
			catch (RuntimeException | LinkageError ex) {
				failures.put(type.getName(), PluginFailures.describe(ex));
			}
		}
		return found;
	}

}
