package dev.unifiedplugins.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application of this module started for a test class, on a free port, with its
 * plugins' configurations in a new temporary directory: what a test class starts in its
 * {@code @BeforeAll} and closes, with the browser it opened if any, in its
 * {@code @AfterAll}.
 *
 * @param configDir the temporary directory of the plugins' configurations
 * @param context the application
 * @param baseUrl where the application listens, {@code http://127.0.0.1:<port>}
 */
record StartedSample(Path configDir, ConfigurableApplicationContext context, String baseUrl) {

	/** What is written in the configuration directory before the application starts. */
	@FunctionalInterface
	interface ConfigDirStep {

		void prepare(Path configDir) throws IOException;

	}

	/**
	 * The sample's application, with the given configurations besides it.
	 * @param more other sources of the application
	 * @return a builder of the application, {@link SampleApplication} its main class
	 */
	static SpringApplicationBuilder sample(Class<?>... more) {
		Class<?>[] sources = new Class<?>[more.length + 1];
		sources[0] = SampleApplication.class;
		System.arraycopy(more, 0, sources, 1, more.length);
		return new SpringApplicationBuilder(sources).main(SampleApplication.class);
	}

	/**
	 * Starts the application with {@code --server.port=0} and {@code --plugins.config-dir}
	 * on a new temporary directory, then the given arguments.
	 * @param prefix the prefix of the temporary directory's name
	 * @param application the application to run
	 * @param args the other arguments
	 * @return the application started
	 * @throws IOException where the directory cannot be made
	 */
	static StartedSample start(String prefix, SpringApplicationBuilder application, String... args)
			throws IOException {
		return start(prefix, (configDir) -> {
		}, application, args);
	}

	/**
	 * Starts the application like {@link #start(String, SpringApplicationBuilder, String...)},
	 * once the configuration directory is prepared.
	 * @param prefix the prefix of the temporary directory's name
	 * @param before what to write in the directory before the start
	 * @param application the application to run
	 * @param args the other arguments
	 * @return the application started
	 * @throws IOException where the directory cannot be made or prepared
	 */
	static StartedSample start(String prefix, ConfigDirStep before, SpringApplicationBuilder application,
			String... args) throws IOException {
		Path configDir = Files.createTempDirectory(prefix);
		before.prepare(configDir);
		String[] all = new String[args.length + 2];
		all[0] = "--server.port=0";
		all[1] = "--plugins.config-dir=" + configDir;
		System.arraycopy(args, 0, all, 2, args.length);
		ConfigurableApplicationContext context = application.run(all);
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return new StartedSample(configDir, context, "http://127.0.0.1:" + port);
	}

	/**
	 * Closes the browser, then the application; either may be {@code null}, where the
	 * {@code @BeforeAll} did not get as far.
	 * @param sample the application, or {@code null}
	 * @param browser the browser, or {@code null}
	 */
	static void close(StartedSample sample, Browser browser) {
		try {
			if (browser != null) {
				browser.close();
			}
		}
		finally {
			if (sample != null) {
				sample.context().close();
			}
		}
	}

}
