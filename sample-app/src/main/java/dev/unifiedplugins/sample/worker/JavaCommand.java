package dev.unifiedplugins.sample.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines that run a main class of this application in a new JVM: the same Java
 * runtime and the same class path as the current one.
 */
public final class JavaCommand {

	private static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	private JavaCommand() {
	}

	/**
	 * The command that runs a main class.
	 * @param mainClass the class whose {@code main} method to run
	 * @param jvmOptions options for the new JVM, such as {@code -Xmx32m}
	 * @param args the arguments of {@code main}
	 * @return the command, the Java executable first
	 * @throws IllegalStateException when the class cannot be reached from the class path
	 */
	public static List<String> forMainClass(String mainClass, List<String> jvmOptions, List<String> args) {
		String classPath = System.getProperty("java.class.path", "");
		ClassLoader system = ClassLoader.getSystemClassLoader();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		if (system.getResource(mainClass.replace('.', '/') + ".class") != null) {
			command.addAll(List.of("-cp", classPath, mainClass));
		}
		else if (system.getResource(PROPERTIES_LAUNCHER.replace('.', '/') + ".class") != null) {
			// Run from an executable jar (java -jar): the class is nested in BOOT-INF/classes,
			// which only Boot's launcher can read.
			command.addAll(List.of("-Dloader.main=" + mainClass, "-cp", classPath, PROPERTIES_LAUNCHER));
		}
		else {
			throw new IllegalStateException("Cannot launch " + mainClass + ": it is neither on the class path '"
					+ classPath + "' nor in a Spring Boot executable jar");
		}
		command.addAll(args);
		return List.copyOf(command);
	}

}
