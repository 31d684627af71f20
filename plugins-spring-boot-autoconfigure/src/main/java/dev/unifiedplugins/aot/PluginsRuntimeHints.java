package dev.unifiedplugins.aot;

import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.utils.PluginStats;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * {@link RuntimeHintsRegistrar} for a native image of an application that uses the plugin
 * registry: the library's types that Jackson reads and writes by reflection, and the
 * resources the JSON Schema validator loads. The {@code plugins} endpoint has its own
 * registrar; the configuration classes of an application's plugins are registered by the
 * application.
 */
class PluginsRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * The process ledger's state file, written while the application runs and read back
	 * after a crash. Named, as it is package-private in the core module; its owner and
	 * process records follow from it.
	 */
	static final String LEDGER_STATE = "dev.unifiedplugins.shutdown.ManagedProcessLedger$State";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		binding.registerReflectionHints(hints.reflection(), ClassUtils.resolveClassName(LEDGER_STATE, classLoader));
		// Public values an application may hand to its own JSON: a controller's answer, a
		// 400 body listing violations. The types of their components (the remote
		// resource, the enums written through @JsonValue) follow.
		binding.registerReflectionHints(hints.reflection(), PluginMetadata.class, PluginDescriptor.class,
				PluginStats.class, ConfigViolation.class);
		// The cost guard's values: its events (which an application may forward as JSON)
		// and its status, the fleet's included.
		binding.registerReflectionHints(hints.reflection(), PluginCloudResourceTerminated.class,
				CloudCostGuard.BudgetExceeded.class, CloudCostGuard.Status.class);
		registerSchemaValidatorResources(hints);
		// The JDBC store's schema scripts, the fleet's tables included, which Boot's
		// initializer loads by name.
		hints.resources().registerPattern("dev/unifiedplugins/jdbc/schema-*.sql");
	}

	/**
	 * What the JSON Schema validator reads from its jar: the metaschemas of every draft a
	 * plugin schema may declare, checked at registration; the Unicode data of the
	 * {@code idn-hostname} format, as format assertions are on; and the messages of
	 * violations. The validator's jar lists them in its own native-image metadata; they are
	 * repeated here because registration fails without them, so that a change to that file
	 * cannot break the registry unnoticed.
	 */
	private static void registerSchemaValidatorResources(RuntimeHints hints) {
		hints.resources()
			.registerPattern("draft/*/schema")
			.registerPattern("draft/*/meta/*")
			.registerPattern("draft-0*/schema")
			.registerPattern("ucd/**");
		hints.resources().registerResourceBundle("jsv-messages");
	}

}
