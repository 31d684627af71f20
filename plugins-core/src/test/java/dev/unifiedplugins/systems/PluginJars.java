package dev.unifiedplugins.systems;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifiedplugins.core.PluginDescriptor;

/**
 * Builds plugin JARs at test time: compiles sources against the test and main classes,
 * adds a services file, and jars the result. Public for the starter's tests.
 */
public final class PluginJars {

	private PluginJars() {
	}

	/**
	 * Builds a JAR.
	 * @param jar where to write it
	 * @param sources Java sources by fully qualified class name
	 * @param services the lines of {@code META-INF/services/dev.unifiedplugins.systems.GreeterPlugin}
	 */
	public static Path build(Path jar, Map<String, String> sources, String... services) throws IOException {
		return build(jar, sources, Map.of(), false, services);
	}

	/**
	 * Builds a JAR with resources besides its classes.
	 * @param jar where to write it
	 * @param sources Java sources by fully qualified class name
	 * @param resources the text of other entries by name
	 * @param stored whether entries are stored rather than compressed: two JARs whose
	 * sources differ only in same-length strings then have the same size
	 * @param services the lines of {@code META-INF/services/dev.unifiedplugins.systems.GreeterPlugin}
	 */
	public static Path build(Path jar, Map<String, String> sources, Map<String, String> resources, boolean stored,
			String... services) throws IOException {
		Path work = Files.createTempDirectory("plugin-jar-src");
		Path classes = Files.createDirectories(work.resolve("classes"));
		List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", classPath(),
				"-proc:none", "-nowarn"));
		for (Map.Entry<String, String> source : sources.entrySet()) {
			Path file = work.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
			Files.createDirectories(file.getParent());
			Files.writeString(file, source.getValue());
			arguments.add(file.toString());
		}
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		ByteArrayOutputStream errors = new ByteArrayOutputStream();
		if (!sources.isEmpty()) {
			int status = compiler.run(null, errors, errors, arguments.toArray(String[]::new));
			if (status != 0) {
				throw new IllegalStateException("Compiling the plugin sources failed: " + errors.toString(StandardCharsets.UTF_8));
			}
		}
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			put(out, "META-INF/services/" + GreeterPlugin.class.getName(),
					(String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8), stored);
			for (Map.Entry<String, String> resource : resources.entrySet()) {
				put(out, resource.getKey(), resource.getValue().getBytes(StandardCharsets.UTF_8), stored);
			}
			try (Stream<Path> files = Files.walk(classes)) {
				for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
					put(out, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file), stored);
				}
			}
		}
		return jar;
	}

	private static void put(JarOutputStream out, String name, byte[] content, boolean stored) throws IOException {
		JarEntry entry = new JarEntry(name);
		if (stored) {
			CRC32 crc = new CRC32();
			crc.update(content);
			entry.setMethod(ZipEntry.STORED);
			entry.setSize(content.length);
			entry.setCompressedSize(content.length);
			entry.setCrc(crc.getValue());
		}
		out.putNextEntry(entry);
		out.write(content);
		out.closeEntry();
	}

	/** A greeter whose name, greeting default and constructor record are given. */
	public static Map<String, String> greeter(String pkg, String simpleName, String name, String defaultGreeting) {
		return greeter(pkg, simpleName, name, defaultGreeting, "");
	}

	/**
	 * A greeter whose greetings end with a mark of its code, such as {@code " (v2)"}: two
	 * builds that differ by their code, whatever their configuration.
	 */
	public static Map<String, String> greeter(String pkg, String simpleName, String name, String defaultGreeting,
			String mark) {
		String config = simpleName + "Config";
		return Map.of(pkg + "." + simpleName, """
				package %1$s;

				import dev.unifiedplugins.systems.ConfigurablePlugin;
				import dev.unifiedplugins.systems.GreeterPlugin;
				import dev.unifiedplugins.systems.Greeters;
				import dev.unifiedplugins.systems.PluginInfo;

				@PluginInfo(name = "%3$s", version = "2.0.0")
				public class %2$s implements GreeterPlugin, ConfigurablePlugin<%4$s> {
					private %4$s config;
					public %2$s() { Greeters.constructing("%3$s"); }
					public void configure(%4$s config) { this.config = config; }
					public String greet(String who) { return config.greeting() + " " + who + "%5$s"; }
				}
				""".formatted(pkg, simpleName, name, config, mark), pkg + "." + config, """
				package %1$s;

				import com.fasterxml.jackson.annotation.JsonProperty;

				public record %2$s(@JsonProperty(defaultValue = "%3$s") String greeting) {
				}
				""".formatted(pkg, config, defaultGreeting));
	}

	private static String classPath() {
		return String.join(java.io.File.pathSeparator, location(GreeterPlugin.class), location(PluginDescriptor.class),
				location(JsonProperty.class));
	}

	private static String location(Class<?> type) {
		try {
			return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
