package dev.unifiedplugins.aot;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.utils.PluginStats;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a native image of an application needs from the library's own code is registered.
 */
class PluginsRuntimeHintsTests {

	private static final String LEDGER = "dev.unifiedplugins.shutdown.ManagedProcessLedger";

	private final RuntimeHints hints = new RuntimeHints();

	PluginsRuntimeHintsTests() {
		new PluginsRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void isListedInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(PluginsRuntimeHints.class);
	}

	@Test
	void processLedgerStateCanBeWrittenAndReadBack() throws ClassNotFoundException {
		assertBindable(Class.forName(LEDGER + "$State"));
		assertBindable(Class.forName(LEDGER + "$StoredProcess"));
	}

	@Test
	void publicValuesCanBeWrittenAndRead() {
		assertBindable(PluginMetadata.class);
		assertBindable(PluginDescriptor.class);
		assertBindable(RemoteResourceInfo.class);
		assertBindable(PluginStats.class);
		assertBindable(ConfigViolation.class);
	}

	@Test
	void theCostGuardsEventsAndStatusWithItsFleetCanBeWrittenAndRead() {
		assertBindable(PluginCloudResourceTerminated.class);
		assertBindable(CloudCostGuard.BudgetExceeded.class);
		assertBindable(CloudCostGuard.Status.class);
		assertBindable(CloudCostGuard.Fleet.class);
		assertBindable(CloudCostGuard.Termination.class);
	}

	@Test
	void theSchemaScriptsWithTheFleetsTablesCanBeLoaded() {
		for (String platform : List.of("postgresql", "h2")) {
			String script = JdbcPluginConfigStore.SCHEMA_LOCATION.replace("classpath:", "")
				.replace("@@platform@@", platform);
			assertThat(RuntimeHintsPredicates.resource().forResource(script)).as(script).accepts(this.hints);
		}
	}

	@Test
	void enumsAreWrittenAndReadThroughTheirJsonValue() {
		for (Class<?> type : List.of(PluginExecutionMode.class, CloudProviderType.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(type, "value")).accepts(this.hints);
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(type, "fromValue")).accepts(this.hints);
		}
	}

	/**
	 * Runs the schema checks of every draft and a failing validation in a class loader of
	 * their own, so that no cache of an earlier test hides a load, and checks that every
	 * resource they read is registered.
	 */
	@Test
	void everyResourceTheSchemaValidatorReadsIsRegistered() throws Exception {
		Set<String> read = resourcesReadBySchemaChecks();
		assertThat(read).as("resources read").anyMatch((name) -> name.startsWith("draft/2020-12/meta/"));
		assertThat(read).anyMatch((name) -> name.startsWith("ucd/")).anyMatch((name) -> name.startsWith("jsv-messages"));
		for (String name : read) {
			if (name.startsWith("jsv-messages") && name.endsWith(".properties")) {
				assertThat(RuntimeHintsPredicates.resource().forBundle("jsv-messages")).as(name).accepts(this.hints);
			}
			else {
				assertThat(RuntimeHintsPredicates.resource().forResource(name)).as(name).accepts(this.hints);
			}
		}
	}

	private Set<String> resourcesReadBySchemaChecks() throws Exception {
		try (RecordingClassLoader loader = new RecordingClassLoader()) {
			ClassLoader previous = Thread.currentThread().getContextClassLoader();
			Thread.currentThread().setContextClassLoader(loader);
			try {
				Class<?> schemaType = loader.loadClass("dev.unifiedplugins.config.PluginConfigSchema");
				Method of = schemaType.getMethod("of", Map.class);
				Method check = schemaType.getMethod("check");
				Method validate = schemaType.getMethod("validate", String.class, Map.class);
				for (String draft : List.of("https://json-schema.org/draft/2020-12/schema",
						"https://json-schema.org/draft/2019-09/schema", "http://json-schema.org/draft-07/schema#",
						"http://json-schema.org/draft-06/schema#", "http://json-schema.org/draft-04/schema#")) {
					check.invoke(of.invoke(null, Map.of("$schema", draft, "type", "object")));
				}
				Object hostSchema = check.invoke(of.invoke(null, Map.of("type", "object", "properties",
						Map.of("host", Map.of("type", "string", "format", "idn-hostname")))));
				// A violation, so that its message is read from the validator's bundle.
				assertThatExceptionOfType(InvocationTargetException.class)
					.isThrownBy(() -> validate.invoke(hostSchema, "test_host", Map.of("host", "b\u00fccher..example")))
					.satisfies((ex) -> assertThat(ex.getCause().getClass().getSimpleName())
						.isEqualTo("PluginConfigValidationException"));
			}
			finally {
				Thread.currentThread().setContextClassLoader(previous);
			}
			return loader.read;
		}
	}

	private void assertBindable(Class<?> record) {
		assertThat(record.isRecord()).as(record + " is a record").isTrue();
		Class<?>[] parameterTypes = Arrays.stream(record.getRecordComponents())
			.map(RecordComponent::getType)
			.toArray(Class<?>[]::new);
		try {
			assertThat(RuntimeHintsPredicates.reflection()
				.onConstructorInvocation(record.getDeclaredConstructor(parameterTypes))).as(record.getName())
				.accepts(this.hints);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		for (RecordComponent component : record.getRecordComponents()) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()))
				.as(record.getName() + "." + component.getName()).accepts(this.hints);
		}
	}

	/**
	 * The test class path without the test's own class loader as parent, recording the
	 * names of the resources the schema validator asks it for (not those of logging, say).
	 */
	private static final class RecordingClassLoader extends URLClassLoader {

		private static final StackWalker STACK = StackWalker.getInstance();

		private final Set<String> read = ConcurrentHashMap.newKeySet();

		RecordingClassLoader() throws MalformedURLException {
			super(classPath(), ClassLoader.getPlatformClassLoader());
		}

		@Override
		public URL getResource(String name) {
			URL url = super.getResource(name);
			if (url != null && !name.endsWith(".class") && isAskedByTheValidator()) {
				this.read.add(name);
			}
			return url;
		}

		/** Whether the first caller outside the JDK is the validator itself. */
		private static boolean isAskedByTheValidator() {
			return STACK.walk((frames) -> frames.map(StackWalker.StackFrame::getClassName)
				.filter((name) -> !name.equals(RecordingClassLoader.class.getName())
						&& !name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun."))
				.findFirst()
				.filter((name) -> name.startsWith("com.networknt.schema."))
				.isPresent());
		}

		private static URL[] classPath() throws MalformedURLException {
			List<URL> urls = new ArrayList<>();
			for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
				urls.add(new File(entry).toURI().toURL());
			}
			return urls.toArray(URL[]::new);
		}

	}

}
