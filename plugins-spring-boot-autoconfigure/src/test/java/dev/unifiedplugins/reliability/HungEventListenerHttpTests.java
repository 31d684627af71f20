package dev.unifiedplugins.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.StartedApplications;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's {@code @EventListener} that hangs on a termination at shutdown, in a
 * started application: every resource is still terminated, and the close stays within
 * {@code plugins.shutdown.timeout}.
 */
class HungEventListenerHttpTests {


	private static volatile CountDownLatch release = new CountDownLatch(1);

	private static final List<String> heard = new CopyOnWriteArrayList<>();

	private static volatile Map<String, SimulatedCloudPlugin> cloud = Map.of();

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	@BeforeEach
	void reset() {
		release = new CountDownLatch(1);
		heard.clear();
	}

	@AfterEach
	void releaseTheListener() {
		// Before the application closes, so that its shutdown does not wait for the listener.
		release.countDown();
	}

	@Test
	void aTerminationListenerThatHangsAtShutdownHoldsUpNeitherTheOtherTerminationsNorTheClose() throws Exception {
		cloud = SimulatedCloudPlugin.priced("first", 1.0, "second", 2.0);
		start("--plugins.shutdown.terminate-cloud-resources=true", "--plugins.shutdown.timeout=3s");
		ExecutorService closing = Executors.newSingleThreadExecutor();
		try {
			// Well past plugins.shutdown.timeout, which bounds the whole cleanup: a bound, not a speed.
			closing.submit(() -> this.applications.last().close()).get(20, TimeUnit.SECONDS);
		}
		finally {
			closing.shutdownNow();
		}
		assertThat(cloud.values()).allSatisfy((plugin) -> assertThat(plugin.terminations.get()).isOne());
		assertThat(heard).as("the listener was told, and hung").isNotEmpty();
	}

	private String start(String... args) {
		List<String> all = new ArrayList<>(List.of("--plugins.resource-timeout=500ms",
				"--plugins.watch.rescan-interval=200ms", "--management.endpoints.web.exposure.include=plugins"));
		all.addAll(List.of(args));
		return this.applications.start(
				new SpringApplicationBuilder(HangingListenerApplication.class).web(WebApplicationType.SERVLET), this.dir,
				all.toArray(String[]::new));
	}



	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HangingListenerApplication {


		@Bean
		PluginManager cloud() {
			return TestPluginManager.of(HungEventListenerHttpTests.cloud);
		}

		@Bean
		HangingListener hangingListener() {
			return new HangingListener();
		}

	}

	/** Hangs on the first termination it hears, ignoring interrupts, until released. */
	static class HangingListener {


		@EventListener
		void on(PluginCloudResourceTerminated terminated) {
			hear(terminated.uniqueId());
		}

		private static void hear(String uniqueId) {
			heard.add(uniqueId);
			if (heard.size() == 1) {
				TestPlugins.hangIgnoringInterrupts(release);
			}
		}

	}

}
