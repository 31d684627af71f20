package dev.unifiedplugins.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The web applications a test starts over HTTP, each closed after the test; registered
 * with {@code @RegisterExtension} on an instance field.
 */
public final class StartedApplications implements AfterEachCallback {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/**
	 * Starts the application on a free port of {@code 127.0.0.1}, with the plugins'
	 * configurations in the given directory, no banner and no security, then the given
	 * arguments.
	 * @param application the application to run
	 * @param configDir the directory of the plugins' configurations
	 * @param args the other arguments
	 * @return where the application listens, {@code http://127.0.0.1:<port>}
	 */
	public String start(SpringApplicationBuilder application, Path configDir, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--plugins.config-dir=" + configDir, "--spring.main.banner-mode=off", Unsecured.EXCLUDE));
		all.addAll(List.of(args));
		ConfigurableApplicationContext context = application.run(all.toArray(String[]::new));
		this.contexts.add(context);
		return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * The application started in the given place.
	 * @param index 0 for the test's first start
	 * @return its context
	 */
	public ConfigurableApplicationContext get(int index) {
		return this.contexts.get(index);
	}

	/**
	 * The application started last.
	 * @return its context
	 */
	public ConfigurableApplicationContext last() {
		return this.contexts.get(this.contexts.size() - 1);
	}

	@Override
	public void afterEach(ExtensionContext extension) {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.contexts.clear();
	}

}
