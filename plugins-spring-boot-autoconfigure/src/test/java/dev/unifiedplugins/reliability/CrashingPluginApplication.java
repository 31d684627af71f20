package dev.unifiedplugins.reliability;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.unifiedplugins.autoconfigure.PluginsAutoConfiguration;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Helper JVM for {@link OrphanProcessTests}: a minimal, web-less Spring Boot application
 * with the plugins auto-configuration and one lifecycle-aware plugin that runs
 * {@code sleep 300}. Once the process tracker has recorded the sleep in the state file it
 * prints {@code RECORDED <pid> <state file>} and waits to be killed.
 * <p>
 * Argument: the config directory.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration(PluginsAutoConfiguration.class)
public class CrashingPluginApplication {

	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[0]);
		SpringApplication application = new SpringApplication(CrashingPluginApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		application.run("--plugins.config-dir=" + dir, "--plugins.shutdown.track-interval=200ms",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN");
		long sleepPid = SLEEPER.process().pid();
		Path stateFile = awaitRecorded(dir, sleepPid);
		System.out.println("RECORDED " + sleepPid + " " + stateFile);
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}

	private static Path awaitRecorded(Path dir, long pid) throws Exception {
		String prefix = ".managed-processes." + ProcessHandle.current().pid() + "-";
		for (int attempt = 0; attempt < 1000; attempt++) {
			try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*.json")) {
				for (Path file : files) {
					if (Files.readString(file).contains("\"pid\":" + pid + ",")) {
						return file;
					}
				}
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("The tracker never recorded PID " + pid);
	}

	@Bean
	PluginManager crashManager() {
		return new PluginManager() {

			@Override
			public List<PluginDescriptor> discoverPlugins() {
				return List.of(PluginDescriptor.builder("sleeper").executionMode(PluginExecutionMode.SUBPROCESS).build());
			}

			@Override
			public Optional<Object> getPlugin(String name) {
				return Optional.of(SLEEPER);
			}

			@Override
			public String category() {
				return "crash";
			}

		};
	}

	/** A plugin that started a child process. */
	static final TestPlugins.ProcessPlugin SLEEPER = new TestPlugins.ProcessPlugin(startSleep(),
			Process::destroyForcibly);

	private static Process startSleep() {
		try {
			return new ProcessBuilder("sleep", "300").redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectErrorStream(true)
				.start();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
