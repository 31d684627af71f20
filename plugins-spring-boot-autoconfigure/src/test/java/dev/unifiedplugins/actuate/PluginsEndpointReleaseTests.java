package dev.unifiedplugins.actuate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointAppliedHttpTests.TunerApplication;
import dev.unifiedplugins.actuate.PluginsEndpointAppliedHttpTests.TunerPlugin;
import dev.unifiedplugins.testsupport.OpenFiles;
import dev.unifiedplugins.testsupport.StartedApplications;
import dev.unifiedplugins.testsupport.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint's writes and reads of a loaded plugin, fifty rounds of each outcome (awaited
 * saves, dry runs, refusals, conflicts, history reads, restores, deletes): they leave no
 * thread beyond the bounded pools, no open file, lock file, temporary file or MDC entry
 * behind. Fifty, as each round flushes three writes of the file store to disk and awaits
 * two reloads; what each operation keeps per plugin is counted over thousands of
 * operations by the tests of its own class.
 */
class PluginsEndpointReleaseTests {

	private static final String ID = "stt_tuner";

	/** The bounded pools of plugin calls, loads and reloads, each with its pool of nested calls. */
	private static final String[] POOLS = { "plugins-reload-", "plugins-lifecycle-", "plugins-call-" };

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	@Test
	void fiftyRoundsOfEveryOperationLeaveNothingBehind() throws Exception {
		this.applications.start(new SpringApplicationBuilder(TunerApplication.class).web(WebApplicationType.SERVLET),
				this.dir, "--plugins.systems.stt.type=" + TunerPlugin.class.getName(),
				"--plugins.systems.stt.load-on-start=true", "--management.endpoints.web.exposure.include=plugins",
				"--management.endpoint.plugins.access=unrestricted");
		PluginsEndpointWebExtension endpoint = this.applications.last().getBean(PluginsEndpointWebExtension.class);
		round(endpoint, 0);
		int threads = Threads.outside(POOLS);
		long openFiles = OpenFiles.count();
		for (int i = 1; i <= 50; i++) {
			round(endpoint, i);
		}
		assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
		assertThat(Threads.outside(POOLS)).isLessThanOrEqualTo(threads);
		// Its pools grow to their bound while calls run, and shrink after 30 s without one.
		assertThat(Threads.named("plugins-reload-")).isLessThanOrEqualTo(2 * 4);
		assertThat(Threads.named("plugins-lifecycle-")).isLessThanOrEqualTo(2 * 32);
		assertThat(Threads.named("plugins-call-")).isLessThanOrEqualTo(2 * 32);
		assertThat(OpenFiles.count()).isLessThanOrEqualTo(openFiles + 5);
		// The history is kept on purpose; the deleted configuration's lock file goes with it.
		assertThat(names(this.dir)).containsOnly(".locks", ".history");
		assertThat(names(this.dir.resolve(".locks"))).isEmpty();
	}

	private static Stream<String> names(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map((file) -> file.getFileName().toString()).toList().stream();
		}
	}

	private static void round(PluginsEndpointWebExtension endpoint, int i) {
		String saved = revision(status(200, endpoint.save(ID, "{\"beam_size\": " + (i % 9 + 1) + "}", null, null,
				null, "5s", SecurityContext.NONE)));
		status(200, endpoint.save(ID, "{\"beam_size\": 7}", saved, null, true, null, SecurityContext.NONE));
		status(400, endpoint.save(ID, "{\"beam_size\": \"many\"}", null, null, null, "5s", SecurityContext.NONE));
		status(409, endpoint.save(ID, "{\"beam_size\": 2}", "stale", null, null, "5s", SecurityContext.NONE));
		status(200, endpoint.revisions(ID, "revisions"));
		status(200, endpoint.revision(ID, "revisions", saved, SecurityContext.NONE));
		String restored = revision(status(200, endpoint.save(ID, null, saved, saved, null, "5s", SecurityContext.NONE)));
		assertThat(restored).isNotNull();
		status(200, endpoint.delete(ID, SecurityContext.NONE));
	}

	private static Object status(int status, WebEndpointResponse<Object> response) {
		assertThat(response.getStatus()).as("%s", response.getBody()).isEqualTo(status);
		return response.getBody();
	}

	private static String revision(Object body) {
		PluginDetailDescriptor detail = (body instanceof AwaitedSaveDescriptor awaited) ? awaited.detail()
				: (PluginDetailDescriptor) body;
		return detail.revision();
	}

}
