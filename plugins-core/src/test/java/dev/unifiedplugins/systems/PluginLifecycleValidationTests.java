package dev.unifiedplugins.systems;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.unifiedplugins.config.ConfigChange;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A loaded plugin's {@link ConfigurablePlugin#validate}, asked by its
 * {@link PluginLifecycle} before every save, on a real file store: a refusal stops the save
 * with the plugin's message, nothing is written or announced, and a plugin that hangs
 * cannot hang the save.
 */
class PluginLifecycleValidationTests {

	private static final String ENGLISH = "greeters_english";

	@TempDir
	Path configDir;

	private UnifiedPluginRegistry registry;

	private PluginLifecycle lifecycle;

	private final List<PluginConfigChange> changes = new CopyOnWriteArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	@BeforeEach
	void register() {
		Greeters.reset();
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.registry.registerPluginManager("greeters", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		this.registry.addChangeListener(this.changes::add);
	}

	@AfterEach
	void close() {
		this.release.countDown();
		if (this.lifecycle != null) {
			this.lifecycle.close();
		}
	}

	private PluginLifecycle lifecycle(Duration validationTimeout) {
		this.lifecycle = new PluginLifecycle(this.registry, validationTimeout);
		return this.lifecycle;
	}

	@Test
	void aLoadedPluginsRefusalStopsTheSaveWithItsMessageAndNothingIsWrittenOrAnnounced() throws Exception {
		lifecycle(Duration.ofSeconds(5)).load(ENGLISH);
		this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2));
		Await.until("english is reloaded", () -> Greeters.created("english") == 2);
		byte[] saved = Files.readAllBytes(file());
		this.changes.clear();
		Greeters.checking("english", (config) -> {
			if (((GreeterConfig) config).repeat() > 3) {
				throw new IllegalArgumentException("repeat must be at most 3 on this machine");
			}
		});

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 4)))
			.withMessage("Configuration of plugin 'greeters_english' was refused by the plugin (1 violation): "
					+ "(root): repeat must be at most 3 on this machine")
			.satisfies((ex) -> assertThat(ex.violations())
				.containsExactly(new ConfigViolation("", "repeat must be at most 3 on this machine")));

		assertThat(Files.readAllBytes(file())).isEqualTo(saved);
		assertThat(this.changes).isEmpty();
		assertThat(Greeters.created("english")).isEqualTo(2);
		this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 3));
		assertThat(this.registry.loadPluginConfig(ENGLISH)).isEqualTo(Map.of("repeat", 3));
		assertThat(this.changes).hasSize(1);
	}

	@Test
	void validateIsGivenTheConfigurationConfigureWouldGet() {
		lifecycle(Duration.ofSeconds(5)).load(ENGLISH);
		List<Object> checked = new CopyOnWriteArrayList<>();
		Greeters.checking("english", checked::add);

		this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2));

		assertThat(checked).containsExactly(new GreeterConfig("Hello", 2));
	}

	@Test
	void aPluginsOwnViolationsKeepTheirPaths() {
		lifecycle(Duration.ofSeconds(5)).load(ENGLISH);
		Greeters.checking("english", (config) -> {
			throw new PluginConfigValidationException("some id",
					List.of(new ConfigViolation("/greeting", "must be a word of English")));
		});

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(ENGLISH, Map.of("greeting", "Hallo")))
			.satisfies((ex) -> {
				assertThat(ex.uniqueId()).isEqualTo(ENGLISH);
				assertThat(ex.violations()).containsExactly(new ConfigViolation("/greeting", "must be a word of English"));
				assertThat(ex.getMessage()).contains("refused by the plugin").doesNotContain("Hallo");
			});
		assertThat(Files.exists(file())).isFalse();
	}

	@Test
	void aRefusalWithoutAMessageNamesTheExceptionType() {
		lifecycle(Duration.ofSeconds(5)).load(ENGLISH);
		Greeters.checking("english", (config) -> {
			throw new IllegalStateException();
		});

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(ENGLISH, Map.of()))
			.satisfies((ex) -> assertThat(ex.violations()).containsExactly(new ConfigViolation("",
					"the plugin refused the configuration (java.lang.IllegalStateException)")));
	}

	@Test
	void aPluginThatIsNotLoadedIsNotAsked() {
		lifecycle(Duration.ofSeconds(5));
		Greeters.checking("english", (config) -> {
			throw new IllegalArgumentException("never asked");
		});

		assertThat(this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2))).isTrue();
		this.lifecycle.load(ENGLISH);
		this.lifecycle.unload(ENGLISH);
		assertThat(this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 3))).isTrue();
		assertThat(this.registry.loadPluginConfig(ENGLISH)).isEqualTo(Map.of("repeat", 3));
	}

	@Test
	void aHangingValidateIsBoundedAndRefusesTheSave() throws Exception {
		lifecycle(Duration.ofMillis(500)).load(ENGLISH);
		AtomicInteger entered = new AtomicInteger();
		Greeters.checking("english", (config) -> {
			entered.incrementAndGet();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				// Cancelled by the bound: stays hung, as a plugin that ignores interrupts would.
				awaitUninterruptibly();
			}
		});

		long start = System.nanoTime();
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2)))
			.satisfies((ex) -> assertThat(ex.violations())
				.containsExactly(new ConfigViolation("", "the plugin's check did not answer within 500ms")));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Await.BOUND);
		Await.until("the first check hangs", () -> entered.get() == 1);
		// The next save does not start a second hung call: it is refused after the same wait.
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 3)))
			.satisfies((ex) -> assertThat(ex.violations())
				.containsExactly(new ConfigViolation("", "the plugin's check did not answer within 500ms")));
		assertThat(entered).hasValue(1);
		assertThat(Files.exists(file())).isFalse();
		assertThat(this.changes).isEmpty();

		this.release.countDown();
		Greeters.checking("english", (config) -> {
		});
		Await.until("a save is accepted once validate returned", () -> {
			try {
				return this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2));
			}
			catch (PluginConfigValidationException ex) {
				return false;
			}
		});
		assertThat(this.registry.loadPluginConfig(ENGLISH)).isEqualTo(Map.of("repeat", 2));
	}

	@Test
	void aDryRunAsksThePluginAndWritesNothing() {
		lifecycle(Duration.ofSeconds(5)).load(ENGLISH);
		Greeters.checking("english", (config) -> {
			if (((GreeterConfig) config).greeting().isBlank()) {
				throw new IllegalArgumentException("greeting must not be blank");
			}
		});

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.checkPluginConfig(ENGLISH, Map.of("greeting", " ")))
			.satisfies((ex) -> assertThat(ex.violations())
				.containsExactly(new ConfigViolation("", "greeting must not be blank")));
		assertThat(this.registry.checkPluginConfig(ENGLISH, Map.of("greeting", "Hi")))
			.containsExactly(new ConfigChange("/greeting", "Hello", "Hi"));

		assertThat(Files.exists(file())).isFalse();
		assertThat(this.changes).isEmpty();
		assertThat(Greeters.created("english")).isOne();
	}

	@Test
	void aConfigurationThatCannotBeBoundIsRefusedNamingThePropertyNotTheValue() {
		lifecycle(Duration.ofSeconds(5)).load(ENGLISH);
		this.registry.setValidationEnabled(false);

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(ENGLISH, Map.of("repeat", "many-SECRET")))
			.satisfies((ex) -> assertThat(ex.violations()).singleElement()
				.satisfies((violation) -> assertThat(violation.message()).contains("/repeat")
					.doesNotContain("many-SECRET")));
		assertThat(Files.exists(file())).isFalse();
	}

	@Test
	void aFileEditedByHandIsCheckedAgainstTheSchemaWhenLoadedAndThePreviousInstanceStays() throws Exception {
		Object first = lifecycle(Duration.ofSeconds(5)).load(ENGLISH);
		Files.writeString(file(), "{\"greeting\": \"Hi\", \"repeat\": 0}");

		assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(ENGLISH))
			.withMessageContaining("/repeat");
		assertThat(this.registry.getPluginInstance(ENGLISH)).containsSame(first);
		assertThat(this.lifecycle.getLoadError(ENGLISH)).hasValueSatisfying((error) -> assertThat(error)
			.contains("/repeat"));

		this.registry.setValidationEnabled(false);
		assertThat(this.lifecycle.load(ENGLISH)).isNotSameAs(first);
		assertThat(this.lifecycle.getLoadError(ENGLISH)).isEmpty();
	}

	@Test
	void aSaveIsCheckedWhileAReloadOfThePluginIsStillConfiguring() {
		lifecycle(Duration.ofSeconds(2)).load(ENGLISH);
		Greeters.hanging("english", "configure");
		this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2));
		Await.until("the reload is configuring", () -> Greeters.created("english") == 2);
		AtomicInteger checked = new AtomicInteger();
		Greeters.checking("english", (config) -> checked.incrementAndGet());

		assertThat(this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 3))).isTrue();
		assertThat(checked).hasValue(1);
		Greeters.release("english", "configure");
	}

	@Test
	void aClosedLifecycleNoLongerChecksSaves() {
		lifecycle(Duration.ofSeconds(5)).load(ENGLISH);
		Greeters.checking("english", (config) -> {
			throw new IllegalArgumentException("no");
		});

		this.lifecycle.close();

		assertThat(this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2))).isTrue();
	}

	private void awaitUninterruptibly() {
		boolean done = false;
		while (!done) {
			try {
				done = this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ignored) {
				// Keeps hanging until released.
			}
		}
	}

	private Path file() {
		return this.configDir.resolve(ENGLISH + ".json");
	}

}
