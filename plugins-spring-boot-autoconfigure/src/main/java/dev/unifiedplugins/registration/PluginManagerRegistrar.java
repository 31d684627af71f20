package dev.unifiedplugins.registration;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.JarDirectoryPluginManager;
import dev.unifiedplugins.systems.PluginSystemManager;
import dev.unifiedplugins.systems.ServiceLoaderPluginManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Registers every {@link PluginManager} bean with the {@link UnifiedPluginRegistry} as a
 * category named {@link PluginManager#category()}, else its bean name (each character an
 * id may not hold, as the {@code $} of a nested class's or the {@code #} of an inner bean's,
 * replaced by {@code _}). A manager whose
 * registration fails does not stop the application: the failure is logged, kept by the
 * registry, and reported by the {@code plugins} health indicator. Two managers declared for
 * one category (two beans, or a bean and {@code plugins.systems.<category>}) fail the start,
 * naming both: the registry would otherwise keep the last one and silently drop the other.
 */
public class PluginManagerRegistrar implements InitializingBean {

	private static final Log logger = LogFactory.getLog(PluginManagerRegistrar.class);

	private final UnifiedPluginRegistry registry;

	private final ListableBeanFactory beanFactory;

	private final Function<String, @Nullable String> displayNames;

	private final boolean autoDiscover;

	/** Where each category registered here was declared, for the error of a second declaration. */
	private final Map<String, String> sources = new ConcurrentHashMap<>();

	/**
	 * Creates a registrar.
	 * @param registry the registry to fill
	 * @param beanFactory where the managers are
	 * @param displayNames the display name configured for a category, or null when none is,
	 * which then falls back to {@link PluginManager#displayName()}
	 * @param autoDiscover whether to discover each manager's plugins as it is registered
	 */
	public PluginManagerRegistrar(UnifiedPluginRegistry registry, ListableBeanFactory beanFactory,
			Function<String, @Nullable String> displayNames, boolean autoDiscover) {
		this.registry = registry;
		this.beanFactory = beanFactory;
		this.displayNames = displayNames;
		this.autoDiscover = autoDiscover;
	}

	@Override
	public void afterPropertiesSet() {
		Map<String, PluginManager> managers = this.beanFactory.getBeansOfType(PluginManager.class);
		managers.forEach((beanName, manager) -> register(beanName, "bean '" + beanName + "'", manager));
	}

	/**
	 * Where a category registered by this registrar was declared.
	 * @param category the category
	 * @return the source, such as {@code bean 'speech'}, or null when none registered it
	 */
	@Nullable String declaredBy(String category) {
		return this.sources.get(category);
	}

	/**
	 * Registers one manager; a failure is logged and kept by the registry.
	 * @param name the category when the manager names none, made a legal id if it is not
	 * @param source where the manager comes from, for the log
	 * @throws IllegalStateException when another source has declared the same category
	 */
	void register(String name, String source, PluginManager manager) {
		String category;
		try {
			String named = manager.category();
			category = (named != null) ? named : fallback(name, source, false);
		}
		catch (RuntimeException ex) {
			failToName(fallback(name, source, true), source, manager, ex);
			return;
		}
		declare(category, source);
		if (manager instanceof PluginSystemManager<?> system && system.category() == null) {
			// So that it checks its plugins' unique ids in the category it registers as.
			system.setCategory(category);
		}
		String configured = this.displayNames.apply(category);
		String displayName = (configured != null) ? configured : displayName(category, source, manager);
		try {
			int count = this.registry.registerPluginManager(category, manager, displayName, this.autoDiscover).size();
			String registered = "Registered plugin category '" + category + "' ("
					+ this.registry.getCategoryDisplayName(category) + ") with " + count + " plugin(s) from " + source;
			if (count == 0 && (manager instanceof BeanPluginManager<?> || manager instanceof ServiceLoaderPluginManager<?>)) {
				// No bean or service implements the type: most likely the wrong interface.
				logger.warn(registered + "; no implementation of its type was found");
			}
			else if (count == 0 && manager instanceof JarDirectoryPluginManager<?> jars
					&& !Files.isDirectory(jars.getDirectory())) {
				// A relative directory resolves against the working directory, which an IDE may set elsewhere.
				logger.warn(registered + "; its directory " + jars.getDirectory().toAbsolutePath()
						+ " does not exist (a JAR put there later is found by a rescan, or by itself with watch)");
			}
			else {
				logger.info(registered);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Plugin manager of " + source + " failed to register as category '" + category
					+ "'; the application goes on without it", ex);
		}
	}

	/** A display name that cannot be had is the title-cased category's, not a failed start. */
	private static @Nullable String displayName(String category, String source, PluginManager manager) {
		try {
			return manager.displayName();
		}
		catch (RuntimeException ex) {
			logger.warn("Plugin manager of " + source + " failed to give the display name of category '" + category
					+ "'; it shows the category title-cased", ex);
			return null;
		}
	}

	/**
	 * Records where a category was declared, so that a second declaration, whichever comes
	 * first, fails the start naming both rather than silently replacing the first.
	 */
	private void declare(String category, String source) {
		String previous = this.sources.putIfAbsent(category, source);
		if (previous != null) {
			throw new IllegalStateException("Plugin category '" + category + "' is declared twice, by " + previous
					+ " and by " + source + "; give one of them another category (a PluginManager's category(),"
					+ " else its bean name; the key of plugins.systems.<category>)");
		}
	}

	/**
	 * A manager that cannot say its category registers nothing, as one whose discovery
	 * fails: the failure is kept by the registry under the name it would fall back to, so
	 * that health names it, and the application goes on. That name is declared as any
	 * category is, so that another manager of it is not taken for this one, nor this one's
	 * failure for the other's.
	 */
	private void failToName(String name, String source, PluginManager manager, RuntimeException failure) {
		declare(name, source + " (whose category() threw)");
		IllegalStateException unnamed = new IllegalStateException("The plugin manager of " + source + " ("
				+ manager.getClass().getName() + ") failed in category(): " + BoundedCalls.describe(failure), failure);
		logger.error(unnamed.getMessage() + "; the application goes on without it", failure);
		try {
			this.registry.registerPluginManager(name, () -> {
				throw unnamed;
			}, null, true);
		}
		catch (RuntimeException ex) {
			// The discovery's failure, which the registry keeps as the category's: health names it.
		}
	}

	/**
	 * The category of a manager that names none, or whose {@code category()} threw: its bean
	 * name, or property key, with each character an id may not hold replaced by {@code _} (a
	 * nested class's {@code $}, an inner bean's {@code #}), so that it registers and health
	 * can name it.
	 * @param categoryThrew whether {@code category()} threw, for the log to say why the name
	 * stands in
	 */
	private static String fallback(String name, String source, boolean categoryThrew) {
		if (PluginIds.isValid(name)) {
			return name;
		}
		StringBuilder legal = new StringBuilder(Math.min(name.length(), PluginIds.MAX_LENGTH));
		for (int i = 0; i < name.length() && legal.length() < PluginIds.MAX_LENGTH; i++) {
			char c = name.charAt(i);
			boolean kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
					|| c == '-' || (c == '.' && !legal.isEmpty() && legal.charAt(legal.length() - 1) != '.');
			legal.append(kept ? c : '_');
		}
		String category = legal.isEmpty() ? "_" : legal.toString();
		logger.warn("The plugin manager of " + source + (categoryThrew
				? " failed in category(), and its name is no legal id: its failure is kept as category '" + category + "'"
				: " names no category, and its name is no legal id: it registers as category '" + category
						+ "' (return a category from its category() to choose one)"));
		return category;
	}

}
