package dev.unifiedplugins.systems;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.config.PluginConfigSchemaGenerator;
import dev.unifiedplugins.core.PluginDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * What a ready-made manager knows about one plugin class before any instance exists.
 *
 * @param descriptor what the registry is told
 * @param implementation the plugin class
 * @param configClass the class its configuration is bound to on load, or null when it
 * takes none
 */
public record PluginDefinition(PluginDescriptor descriptor, Class<?> implementation, @Nullable Class<?> configClass) {

	/** The name of the static method a class may declare to compute its descriptor. */
	public static final String DESCRIPTOR_METHOD = "pluginDescriptor";

	public PluginDefinition {
		Objects.requireNonNull(descriptor, "descriptor must not be null");
		Objects.requireNonNull(implementation, "implementation must not be null");
	}

	/**
	 * Describes a plugin class without instantiating it. A
	 * {@code public static PluginDescriptor pluginDescriptor()} method wins (calling it
	 * initializes the class, no more); otherwise {@link PluginInfo} is read, and a class
	 * without either is named after its simple name in snake case.
	 * @param implementation the plugin class
	 * @return the definition
	 * @throws IllegalArgumentException when the descriptor method fails or returns null, the
	 * config class does not map to a JSON object, or it is not one {@code configure(C)}
	 * takes (the message names the class)
	 */
	public static PluginDefinition of(Class<?> implementation) {
		Objects.requireNonNull(implementation, "implementation must not be null");
		PluginInfo info = implementation.getAnnotation(PluginInfo.class);
		Class<?> configurable = configurableType(implementation);
		Class<?> configClass = (info != null && info.configClass() != void.class) ? info.configClass() : configurable;
		if (configurable != null && configClass != null && !configurable.isAssignableFrom(configClass)) {
			// Loading would bind the configuration to one class and hand it to configure(C).
			throw new IllegalArgumentException("Plugin class " + implementation.getName() + " names config class "
					+ configClass.getName() + " in @PluginInfo, which its configure(" + configurable.getSimpleName()
					+ ") cannot take");
		}
		PluginDescriptor computed = computed(implementation);
		if (computed != null) {
			return new PluginDefinition(computed, implementation, configClass);
		}
		PluginDescriptor.Builder builder = PluginDescriptor
			.builder((info != null && !info.name().isEmpty()) ? info.name() : snakeCase(implementation.getSimpleName()));
		// Empty, not null, when not given: the config class's description is not the
		// plugin's (see PluginDescriptor#description).
		builder.description((info != null) ? info.description() : "");
		if (info != null) {
			builder.version(emptyToNull(info.version()))
				.title(emptyToNull(info.title()))
				.executionMode(info.executionMode())
				.managesChildProcesses(info.managesChildProcesses())
				.managesExternalResources(info.managesExternalResources());
		}
		Map<String, String> defaults = (info != null) ? defaults(implementation, info) : Map.of();
		if (configClass != null) {
			try {
				builder.configSchema(PluginConfigSchemaGenerator.generate(configClass, defaults));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Plugin class " + implementation.getName() + " has config class "
						+ configClass.getName() + " without a usable schema: " + ex.getMessage(), ex);
			}
		}
		else if (!defaults.isEmpty()) {
			throw new IllegalArgumentException("Plugin class " + implementation.getName()
					+ " gives defaults in @PluginInfo but has no config class to give them to");
		}
		return new PluginDefinition(builder.build(), implementation, configClass);
	}

	private static Map<String, String> defaults(Class<?> implementation, PluginInfo info) {
		Map<String, String> defaults = new LinkedHashMap<>();
		for (String entry : info.defaults()) {
			int equals = entry.indexOf('=');
			String name = (equals > 0) ? entry.substring(0, equals).strip() : "";
			if (name.isEmpty()) {
				throw new IllegalArgumentException("Plugin class " + implementation.getName() + " has default '" + entry
						+ "' in @PluginInfo; write \"property=value\"");
			}
			if (defaults.put(name, entry.substring(equals + 1).strip()) != null) {
				throw new IllegalArgumentException("Plugin class " + implementation.getName()
						+ " gives property '" + name + "' two defaults in @PluginInfo");
			}
		}
		return defaults;
	}

	/**
	 * A class name in snake case: a word starts at an upper-case letter after a lower-case
	 * letter or digit, or at the last capital of an acronym ({@code HTTPServer} is
	 * {@code http_server}).
	 * @param name a Java class name
	 * @return the name in snake case
	 */
	public static String snakeCase(String name) {
		StringBuilder result = new StringBuilder(name.length() + 4);
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isUpperCase(c) && i > 0) {
				char previous = name.charAt(i - 1);
				boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
				if (Character.isLowerCase(previous) || Character.isDigit(previous)
						|| (Character.isUpperCase(previous) && nextLower)) {
					result.append('_');
				}
			}
			result.append(c);
		}
		return result.toString().toLowerCase(Locale.ROOT);
	}

	/**
	 * Whether a plugin class gives its own name, in {@link PluginInfo#name()} or its
	 * descriptor method, rather than taking one from where it is found (a bean's name).
	 * @param implementation the plugin class
	 * @return true when it names itself
	 */
	public static boolean namesItself(Class<?> implementation) {
		PluginInfo info = implementation.getAnnotation(PluginInfo.class);
		return (info != null && !info.name().isEmpty()) || descriptorMethod(implementation) != null;
	}

	/**
	 * This definition under another name.
	 * @param name the plugin's name
	 * @return the definition with only the name changed
	 */
	public PluginDefinition withName(String name) {
		PluginDescriptor d = this.descriptor;
		return new PluginDefinition(new PluginDescriptor(name, d.version(), d.title(), d.description(),
				d.configSchema(), d.executionMode(), d.managesChildProcesses(), d.managesExternalResources()),
				this.implementation, this.configClass);
	}

	/** The {@value #DESCRIPTOR_METHOD} method, when the class declares one that counts. */
	private static @Nullable Method descriptorMethod(Class<?> implementation) {
		try {
			Method method = implementation.getMethod(DESCRIPTOR_METHOD);
			return (Modifier.isStatic(method.getModifiers()) && PluginDescriptor.class.equals(method.getReturnType()))
					? method : null;
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

	private static @Nullable PluginDescriptor computed(Class<?> implementation) {
		Method method = descriptorMethod(implementation);
		if (method == null) {
			return null;
		}
		try {
			PluginDescriptor descriptor = (PluginDescriptor) method.invoke(null);
			if (descriptor == null) {
				throw new IllegalArgumentException(implementation.getName() + "." + DESCRIPTOR_METHOD + "() returned null");
			}
			return descriptor;
		}
		catch (IllegalAccessException ex) {
			throw new IllegalArgumentException(implementation.getName() + "." + DESCRIPTOR_METHOD
					+ "() cannot be called: " + ex.getMessage(), ex);
		}
		catch (InvocationTargetException ex) {
			throw new IllegalArgumentException(implementation.getName() + "." + DESCRIPTOR_METHOD + "() failed: "
					+ ex.getCause(), ex.getCause());
		}
	}

	/** The type argument of {@link ConfigurablePlugin} on the class or its supertypes. */
	static @Nullable Class<?> configurableType(Class<?> type) {
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			for (Type candidate : current.getGenericInterfaces()) {
				Class<?> found = configurableType(candidate);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	private static @Nullable Class<?> configurableType(Type type) {
		if (type instanceof ParameterizedType parameterized) {
			if (parameterized.getRawType() == ConfigurablePlugin.class) {
				return (parameterized.getActualTypeArguments()[0] instanceof Class<?> config) ? config : null;
			}
			type = parameterized.getRawType();
		}
		if (type instanceof Class<?> raw && raw.isInterface()) {
			for (Type parent : raw.getGenericInterfaces()) {
				Class<?> found = configurableType(parent);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	private static @Nullable String emptyToNull(String value) {
		return value.isEmpty() ? null : value;
	}

}
