package dev.unifiedplugins.reliability;

import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspection;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.inspection.PluginReport;
import dev.unifiedplugins.processes.ProcessIdentity;
import dev.unifiedplugins.shutdown.ManagedProcessLedger;
import dev.unifiedplugins.shutdown.PluginShutdown;
import dev.unifiedplugins.testsupport.ChildProcesses;
import dev.unifiedplugins.testsupport.TestPlugins;
import dev.unifiedplugins.utils.PluginFilters;
import dev.unifiedplugins.utils.PluginStats;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Bad input to plugins-core, case by case: each gets a clear error that names what is
 * wrong, and nothing that was stored is lost.
 * <ol>
 * <li>{@link IllegalIds illegal unique ids}, on every API</li>
 * <li>{@link CorruptConfigFiles config files} that are corrupt, empty, not an object, or
 * not UTF-8</li>
 * <li>{@link ConfigDirectory a config dir} that is a file, cannot be created, or is
 * read-only</li>
 * <li>{@link UnholdableValues config values} that JSON cannot hold, or that would load
 * back as another value</li>
 * <li>{@link NullArguments null arguments} to any public method</li>
 * <li>{@link MisbehavingManagers managers} that return null, duplicate names, or names
 * that make illegal ids</li>
 * <li>{@link MisbehavingPluginInstances plugin instances} whose protocol methods throw,
 * return null, or hang</li>
 * </ol>
 */
class CoreBadInputTests {

	@TempDir
	Path root;

	Path dir;

	FileSystemPluginConfigStore store;

	UnifiedPluginRegistry registry;

	@BeforeEach
	void createRegistry() {
		this.dir = this.root.resolve("configs");
		this.store = new FileSystemPluginConfigStore(this.dir);
		this.registry = new UnifiedPluginRegistry(this.store);
		this.registry.registerPluginManager("llm", manager("gpt", "llama"));
		this.registry.savePluginConfig("llm_gpt", Map.of("model", "gpt-4o", "temperature", 0.2));
	}

	static PluginManager manager(String... names) {
		return () -> Arrays.stream(names).map((name) -> PluginDescriptor.builder(name).build()).toList();
	}

	/** What must survive every rejected call. */
	void assertNothingLost() throws Exception {
		assertThat(this.registry.loadPluginConfig("llm_gpt")).containsEntry("model", "gpt-4o");
		assertThat(this.registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
		assertThat(this.registry.getPlugin("llm_llama").orElseThrow().configured()).isFalse();
		try (Stream<Path> files = Files.list(this.dir)) {
			assertThat(files.map((file) -> file.getFileName().toString())
				.filter((name) -> !name.equals(".locks") && !name.equals(".history"))).containsExactly("llm_gpt.json");
		}
		assertThat(this.registry.getConfigHistory("llm_gpt")).as("the one save, and no other entry").hasSize(1);
		try (Stream<Path> files = Files.list(this.root)) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("nothing written beside the dir")
				.containsExactly("configs");
		}
	}

	@Nested
	class IllegalIds {

		static Stream<String> illegalIds() {
			return Stream.of("../x", "..", "../../etc/passwd", "/etc/passwd", "", ".hidden", "a/b", "a\\b", "a b",
					"a..b", "x\u0000y", "line\nbreak", "caf\u00e9", "a:b", "x".repeat(129));
		}

		@ParameterizedTest
		@MethodSource("illegalIds")
		void everyStoreMethodRejectsIt(String id) throws Exception {
			for (Runnable call : List.<Runnable>of(() -> CoreBadInputTests.this.store.load(id),
					() -> CoreBadInputTests.this.store.save(id, Map.of("k", "v")),
					() -> CoreBadInputTests.this.store.delete(id), () -> CoreBadInputTests.this.store.exists(id),
					() -> CoreBadInputTests.this.store.pathOf(id))) {
				assertThatIllegalArgumentException().isThrownBy(call::run)
					.withMessageContaining("Illegal unique id")
					.withMessageContaining("letters, digits");
			}
			assertNothingLost();
		}

		@ParameterizedTest
		@MethodSource("illegalIds")
		void everyRegistryConfigMethodRejectsIt(String id) throws Exception {
			UnifiedPluginRegistry registry = CoreBadInputTests.this.registry;
			assertThatIllegalArgumentException().isThrownBy(() -> registry.loadPluginConfig(id))
				.withMessageContaining("Illegal unique id");
			assertThatIllegalArgumentException().isThrownBy(() -> registry.savePluginConfig(id, Map.of("k", "v")))
				.withMessageContaining("Illegal unique id");
			assertThatIllegalArgumentException().isThrownBy(() -> registry.deletePluginConfig(id))
				.withMessageContaining("Illegal unique id");
			assertNothingLost();
		}

		@ParameterizedTest
		@MethodSource("illegalIds")
		void lookupsFindNothing(String id) {
			assertThat(CoreBadInputTests.this.registry.getPlugin(id)).isEmpty();
			assertThat(CoreBadInputTests.this.registry.getRegisteredPlugin(id)).isEmpty();
			assertThat(CoreBadInputTests.this.registry.getPluginInstance(id)).isEmpty();
			assertThat(CoreBadInputTests.this.registry.getPluginsByCategory(id)).isEmpty();
		}

		@ParameterizedTest
		@MethodSource("illegalIds")
		void registeringItAsCategoryIsRejected(String category) throws Exception {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> CoreBadInputTests.this.registry.registerPluginManager(category, manager("p")))
				.withMessageContaining("Illegal category");
			assertThat(CoreBadInputTests.this.registry.getCategories()).containsExactly("llm");
			assertNothingLost();
		}

		@Test
		void messageShowsControlCharactersEscapedAndLongIdsShortened() {
			assertThatIllegalArgumentException().isThrownBy(() -> CoreBadInputTests.this.store.load("x\u0000y"))
				.withMessageContaining("x\\u0000y");
			Throwable error = catchThrowable(() -> CoreBadInputTests.this.store.load("x".repeat(5000)));
			assertThat(error.getMessage()).hasSizeLessThan(500).contains("5000 chars");
		}

	}

	@Nested
	class CorruptConfigFiles {

		static Stream<byte[]> corruptContents() {
			return Stream.of("{\"model\": ", "{\"model\": \"x\"} trailing", "{\"model\" \"x\"}", "", "   \n\t",
					"[1, 2]", "42", "\"text\"", "null", "true")
				.map((text) -> text.getBytes(StandardCharsets.UTF_8));
		}

		@ParameterizedTest
		@MethodSource("corruptContents")
		void corruptFileIsAnErrorNamingTheFileAndIsLeftAsItWas(byte[] content) throws Exception {
			assertCorruptFileIsContained(content);
		}

		@Test
		void notUtf8() throws Exception {
			byte[] latin1 = "{\"name\": \"Jos\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
			Throwable error = assertCorruptFileIsContained(latin1);
			assertThat(error).hasMessageContaining("not valid UTF-8");
		}

		@Test
		void emptyFileSaysSo() throws Exception {
			assertThat(assertCorruptFileIsContained(new byte[0])).hasMessageContaining("empty");
		}

		@Test
		void nonObjectSaysWhatItHolds() throws Exception {
			assertThat(assertCorruptFileIsContained("[1]".getBytes(StandardCharsets.UTF_8)))
				.hasMessageContaining("array")
				.hasMessageContaining("not a JSON object");
		}

		@Test
		void savingOverACorruptFileRepairsIt() throws Exception {
			Files.writeString(CoreBadInputTests.this.dir.resolve("llm_llama.json"), "{broken");
			assertThat(CoreBadInputTests.this.registry.savePluginConfig("llm_llama", Map.of("ok", true))).isTrue();
			assertThat(CoreBadInputTests.this.registry.loadPluginConfig("llm_llama")).containsEntry("ok", true);
		}

		private Throwable assertCorruptFileIsContained(byte[] content) throws Exception {
			Path file = Files.write(CoreBadInputTests.this.dir.resolve("llm_llama.json"), content);

			Throwable fromStore = catchThrowable(() -> CoreBadInputTests.this.store.load("llm_llama"));
			assertThat(fromStore).isInstanceOf(PluginConfigException.class).hasMessageContaining(file.toString());
			assertThat(((PluginConfigException) fromStore).getPath()).isEqualTo(file);
			assertThatThrownBy(() -> CoreBadInputTests.this.registry.loadPluginConfig("llm_llama"))
				.isInstanceOf(PluginConfigException.class);

			// The other plugins are unaffected, registration still works, the file is untouched.
			assertThat(CoreBadInputTests.this.registry.loadPluginConfig("llm_gpt")).containsEntry("model", "gpt-4o");
			UnifiedPluginRegistry fresh = new UnifiedPluginRegistry(new FileSystemPluginConfigStore(CoreBadInputTests.this.dir));
			assertThat(fresh.registerPluginManager("llm", manager("gpt", "llama"))).hasSize(2);
			assertThat(fresh.loadPluginConfig("llm_gpt")).containsEntry("model", "gpt-4o");
			assertThat(Files.readAllBytes(file)).isEqualTo(content);
			return fromStore;
		}

	}

	@Nested
	class ConfigDirectory {

		@Test
		void thatIsAFile() throws Exception {
			Path file = Files.writeString(CoreBadInputTests.this.root.resolve("not-a-dir"), "keep me");
			assertThatIllegalArgumentException().isThrownBy(() -> new FileSystemPluginConfigStore(file))
				.withMessageContaining(file.toString())
				.withMessageContaining("not a directory");
			assertThatIllegalArgumentException().isThrownBy(() -> new UnifiedPluginRegistry(file))
				.withMessageContaining(file.toString());
			assertThat(Files.readString(file)).isEqualTo("keep me");
		}

		@Test
		void thatIsMissingAndCannotBeCreatedBecauseItsParentIsAFile() throws Exception {
			Path parent = Files.writeString(CoreBadInputTests.this.root.resolve("plain-file"), "keep me");
			Path dir = parent.resolve("configs");
			Throwable error = catchThrowable(() -> new FileSystemPluginConfigStore(dir));
			assertThat(error).isInstanceOfAny(UncheckedIOException.class, IllegalArgumentException.class)
				.hasMessageContaining(dir.toString())
				.hasMessageContaining("cannot be created");
			assertThat(Files.readString(parent)).isEqualTo("keep me");
		}

		/**
		 * A directory the process cannot write to. Root ignores permission bits, so as root
		 * the directory is made immutable with {@code chattr +i} instead (ext2/3/4, XFS,
		 * Btrfs); where neither works the test is skipped.
		 */
		@Test
		void thatIsReadOnly() throws Exception {
			Path dir = CoreBadInputTests.this.dir;
			try (ReadOnly readOnly = ReadOnly.make(dir)) {
				// Opening, listing and reading still work.
				UnifiedPluginRegistry registry = new UnifiedPluginRegistry(new FileSystemPluginConfigStore(dir));
				registry.registerPluginManager("llm", manager("gpt", "llama"));
				assertThat(registry.loadPluginConfig("llm_gpt")).containsEntry("model", "gpt-4o");
				assertThat(registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();

				// Writing fails with an error naming the file; the registry reports false.
				assertThatThrownBy(() -> CoreBadInputTests.this.store.save("llm_gpt", Map.of("model", "other")))
					.isInstanceOf(UncheckedIOException.class)
					.hasMessageContaining(dir.resolve("llm_gpt.json").toString());
				assertThat(registry.savePluginConfig("llm_gpt", Map.of("model", "other"))).isFalse();
				assertThat(registry.savePluginConfig("llm_llama", Map.of("model", "llama3"))).isFalse();
				assertThat(registry.deletePluginConfig("llm_gpt")).isFalse();

				// Nothing lost, flags unchanged.
				assertThat(registry.loadPluginConfig("llm_gpt")).containsEntry("model", "gpt-4o");
				assertThat(registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
				assertThat(registry.getPlugin("llm_llama").orElseThrow().configured()).isFalse();
			}
			assertNothingLost();
		}

	}

	@Nested
	class UnholdableValues {

		static Stream<Map<String, Object>> unholdableConfigs() {
			Map<String, Object> selfContaining = new HashMap<>();
			selfContaining.put("self", selfContaining);
			List<Object> selfList = new ArrayList<>();
			selfList.add(selfList);
			Map<Object, Object> nonStringKey = new HashMap<>();
			nonStringKey.put(42, "v");
			Map<String, Object> deep = new HashMap<>();
			Map<String, Object> level = deep;
			for (int i = 0; i < 600; i++) {
				Map<String, Object> next = new HashMap<>();
				level.put("a", next);
				level = next;
			}
			// Decimals that would load back as another number: a rounded or infinite double.
			return Stream.of(Map.of("temperature", new BigDecimal("12345678901234567890.5")),
					Map.of("limits", Map.of("max", new BigDecimal("1e400"))),
					Map.of("list", List.of(1, new BigDecimal("-1e400"))), Map.of("when", new Object()),
					Map.of("maybe", Optional.of("x")), Map.of("chars", "secret".toCharArray()),
					Map.of("path", Path.of("/tmp")), selfContaining, Map.of("nested", List.of(selfList)),
					Map.of("keys", nonStringKey), deep);
		}

		@ParameterizedTest
		@MethodSource("unholdableConfigs")
		void isRejectedNamingTheKeyPathAndNothingIsWritten(Map<String, Object> config) throws Exception {
			String topKey = config.keySet().iterator().next();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> CoreBadInputTests.this.registry.savePluginConfig("llm_gpt", config))
				.withMessageContaining("llm_gpt")
				.withMessageContaining(topKey);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> CoreBadInputTests.this.registry.savePluginConfig("llm_llama", config));
			assertNothingLost();
		}

		@Test
		void everythingJsonCanHoldIsAccepted() {
			Map<String, Object> config = new LinkedHashMap<>();
			config.put("null", null);
			config.put("big", new BigDecimal("12345678901234567890"));
			config.put("long", Long.MAX_VALUE);
			config.put("text", "\u00e9\u4e2d\ud83d\ude00 \"quoted\" \\ \n");
			config.put("nested", List.of(Map.of("a", List.of(true, false)), List.of()));
			config.put("nan", Float.NaN);
			config.put("infinity", Double.NEGATIVE_INFINITY);
			assertThat(CoreBadInputTests.this.registry.savePluginConfig("llm_llama", config)).isTrue();
			assertThat(CoreBadInputTests.this.registry.loadPluginConfig("llm_llama")).containsKeys("null", "long",
					"nested")
				.containsEntry("text", config.get("text"))
				.containsEntry("big", new BigInteger("12345678901234567890"))
				.containsEntry("nan", Double.NaN)
				.containsEntry("infinity", Double.NEGATIVE_INFINITY);
		}

	}

	@Nested
	class NullArguments {

		private final BoundedCalls calls = new BoundedCalls("null-test-", 2);

		@AfterEach
		void closeCalls() {
			this.calls.close();
		}

		/**
		 * Every public constructor and method of the public API, each reference parameter
		 * that is not {@code @Nullable} in turn null: a NullPointerException whose message
		 * names the parameter.
		 */
		@TestFactory
		Stream<DynamicTest> everyPublicMethodNamesTheNullArgument() {
			PluginInspector inspector = new PluginInspector(CoreBadInputTests.this.registry, this.calls,
					Duration.ofSeconds(1));
			Map<Class<?>, Object> targets = new LinkedHashMap<>();
			targets.put(UnifiedPluginRegistry.class, CoreBadInputTests.this.registry);
			targets.put(FileSystemPluginConfigStore.class, CoreBadInputTests.this.store);
			targets.put(PluginFilters.class, null);
			targets.put(PluginStats.class, PluginStats.of(List.of()));
			targets.put(PluginInspector.class, inspector);
			targets.put(PluginShutdown.class, new PluginShutdown(CoreBadInputTests.this.registry, this.calls,
					Duration.ofSeconds(1), (event, error) -> {
					}));
			targets.put(ManagedProcessLedger.class, new ManagedProcessLedger(CoreBadInputTests.this.root));
			targets.put(ProcessIdentity.class, ProcessIdentity.current());
			targets.put(BoundedCalls.class, this.calls);
			List<DynamicTest> tests = new ArrayList<>();
			targets.forEach((type, target) -> {
				List<Executable> executables = new ArrayList<>(Arrays.asList(type.getConstructors()));
				for (Method method : type.getMethods()) {
					if (method.getDeclaringClass() == type && !method.isSynthetic()
							&& !Set.of("equals", "hashCode", "toString").contains(method.getName())) {
						executables.add(method);
					}
				}
				for (Executable executable : executables) {
					Parameter[] parameters = executable.getParameters();
					for (int i = 0; i < parameters.length; i++) {
						Parameter parameter = parameters[i];
						if (parameter.getType().isPrimitive()
								|| parameter.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
							continue;
						}
						int index = i;
						tests.add(DynamicTest.dynamicTest(
								type.getSimpleName() + "." + executable.getName() + "(" + parameter.getName() + " = null)",
								() -> assertNullIsRejected(executable, target, index)));
					}
				}
			});
			assertThat(tests).hasSizeGreaterThan(30);
			return tests.stream();
		}

		private void assertNullIsRejected(Executable executable, @Nullable Object target, int index) throws Exception {
			Parameter[] parameters = executable.getParameters();
			Object[] args = new Object[parameters.length];
			for (int i = 0; i < parameters.length; i++) {
				args[i] = (i == index) ? null : sample(parameters[i].getType());
			}
			Throwable thrown;
			try {
				if (executable instanceof Constructor<?> constructor) {
					constructor.newInstance(args);
				}
				else {
					Method method = (Method) executable;
					method.invoke(Modifier.isStatic(method.getModifiers()) ? null : target, args);
				}
				thrown = null;
			}
			catch (InvocationTargetException ex) {
				thrown = ex.getCause();
			}
			String name = parameters[index].getName();
			assertThat(thrown).as("null %s", name).isInstanceOf(NullPointerException.class);
			String message = String.valueOf(thrown.getMessage()).toLowerCase();
			String spaced = name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
			assertThat(message.contains(name.toLowerCase()) || message.contains(spaced))
				.as("message '%s' names the argument '%s'", thrown.getMessage(), name)
				.isTrue();
		}

		private Object sample(Class<?> type) {
			if (type == String.class) {
				return "llm_gpt";
			}
			if (type == double.class) {
				return 1.0;
			}
			if (type == int.class) {
				return 1;
			}
			if (type == long.class) {
				return System.nanoTime() + 1_000_000_000L;
			}
			if (type == boolean.class) {
				return false;
			}
			if (type == Map.class) {
				return Map.of();
			}
			if (type == List.class || type == Collection.class) {
				return List.of();
			}
			if (type == Set.class) {
				return Set.of();
			}
			if (type == Path.class) {
				return CoreBadInputTests.this.dir;
			}
			if (type == Duration.class) {
				return Duration.ofSeconds(1);
			}
			if (type == Class.class) {
				return PluginManager.class;
			}
			if (type == PluginManager.class) {
				return manager("p");
			}
			if (type == PluginExecutionMode.class) {
				return PluginExecutionMode.IN_PROCESS;
			}
			if (type == PluginConfigStore.class) {
				return CoreBadInputTests.this.store;
			}
			if (type == UnifiedPluginRegistry.class) {
				return CoreBadInputTests.this.registry;
			}
			if (type == BoundedCalls.class) {
				return this.calls;
			}
			if (type == java.util.concurrent.Callable.class) {
				return (java.util.concurrent.Callable<Object>) () -> "done";
			}
			if (type == java.util.concurrent.Future.class) {
				return java.util.concurrent.CompletableFuture.completedFuture("done");
			}
			if (type == Throwable.class) {
				return new IllegalStateException("x");
			}
			if (type == ExpectedRevision.class) {
				return ExpectedRevision.any();
			}
			if (type == StoredPluginConfig.class) {
				return new StoredPluginConfig(Map.of(), "1");
			}
			if (type == Runnable.class) {
				return (Runnable) () -> {
				};
			}
			if (type == java.util.function.Consumer.class) {
				return (java.util.function.Consumer<Object>) (value) -> {
				};
			}
			if (type == PluginShutdown.TerminationListener.class) {
				return (PluginShutdown.TerminationListener) (event, error) -> {
				};
			}
			throw new IllegalStateException("No sample value for " + type);
		}

	}

	@Nested
	class MisbehavingManagers {

		@Test
		void returnsNull() throws Exception {
			assertRejectedAndNothingLost(() -> null, IllegalStateException.class, "llm", "returned null");
		}

		@Test
		void returnsANullDescriptor() throws Exception {
			List<PluginDescriptor> withNull = new ArrayList<>();
			withNull.add(PluginDescriptor.builder("gpt").build());
			withNull.add(null);
			assertRejectedAndNothingLost(() -> withNull, IllegalStateException.class, "llm", "null plugin descriptor");
		}

		@Test
		void returnsDuplicateNames() throws Exception {
			assertRejectedAndNothingLost(manager("gpt", "llama", "gpt"), IllegalArgumentException.class, "'gpt'",
					"two plugins");
		}

		@ParameterizedTest
		@ValueSource(strings = { "../x", "a/b", "", ".hidden", "a b", "a..b" })
		void returnsANameThatMakesAnIllegalId(String name) throws Exception {
			assertRejectedAndNothingLost(manager("gpt", name), IllegalArgumentException.class, "Illegal plugin name",
					"llm");
		}

		@Test
		void returnsANameThatMakesATooLongUniqueId() throws Exception {
			assertRejectedAndNothingLost(manager("gpt", "n".repeat(125)), IllegalArgumentException.class,
					"Illegal unique id", "llm_nnnn");
		}

		@Test
		void returnsANameWhoseUniqueIdCollidesWithAnotherCategory() throws Exception {
			CoreBadInputTests.this.registry.registerPluginManager("llm_gpt", manager("x"));
			// "llm" + "gpt_x" and "llm_gpt" + "x" would both be "llm_gpt_x".
			assertThatIllegalArgumentException()
				.isThrownBy(() -> CoreBadInputTests.this.registry.registerPluginManager("llm", manager("gpt", "gpt_x")))
				.withMessageContaining("llm_gpt_x");
			assertThat(CoreBadInputTests.this.registry.getPlugin("llm_gpt_x").orElseThrow().category()).isEqualTo("llm_gpt");
			assertNothingLost();
		}

		@Test
		void throwsFromDiscovery() throws Exception {
			assertRejectedAndNothingLost(() -> {
				throw new IllegalStateException("model directory missing");
			}, IllegalStateException.class, "model directory missing", "");
			assertThat(CoreBadInputTests.this.registry.getRegistrationFailures()).containsKey("llm");
		}

		@Test
		void returnsNullOrThrowsFromGetPlugin() {
			UnifiedPluginRegistry registry = CoreBadInputTests.this.registry;
			registry.registerPluginManager("nulls", new PluginManager() {
				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return List.of(PluginDescriptor.builder("p").build());
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					return null;
				}
			});
			registry.registerPluginManager("throws", new PluginManager() {
				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return List.of(PluginDescriptor.builder("p").build());
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					throw new IllegalStateException("not loaded");
				}
			});
			assertThat(registry.getPluginInstance("nulls_p")).isEmpty();
			assertThat(registry.getAllPlugins()).extracting(PluginMetadata::uniqueId)
				.containsExactly("llm_gpt", "llm_llama", "nulls_p", "throws_p");
			assertThat(registry.getPlugin("throws_p")).isPresent();
		}

		private void assertRejectedAndNothingLost(PluginManager manager, Class<? extends Throwable> type,
				String... messageParts) throws Exception {
			assertThatThrownBy(() -> CoreBadInputTests.this.registry.registerPluginManager("llm", manager))
				.isInstanceOf(type)
				.hasMessageContainingAll(messageParts);
			// The category keeps its previous registration.
			assertThat(CoreBadInputTests.this.registry.getPluginsByCategory("llm")).extracting(PluginMetadata::name)
				.containsExactly("gpt", "llama");
			assertNothingLost();
		}

	}

	@Nested
	class MisbehavingPluginInstances {

		/** Short, so hung plugins cost little; ample for a healthy one on a busy machine. */
		private static final Duration TIMEOUT = Duration.ofMillis(500);

		private final CountDownLatch release = new CountDownLatch(1);

		private final ChildProcesses processes = new ChildProcesses();

		private BoundedCalls calls;

		private long childPid;

		@BeforeEach
		void registerPlugins() throws Exception {
			this.calls = new BoundedCalls("misbehaving-test-", 8);
			this.childPid = this.processes.startSleep().pid();
			Map<String, Object> instances = new LinkedHashMap<>();
			instances.put("good_local", new TestPlugins.Lifecycle(() -> List.of(this.childPid)));
			instances.put("good_cloud", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> 2.0 * hours));
			instances.put("null_pids", new TestPlugins.Lifecycle(() -> null));
			instances.put("remote_throws", new TestPlugins.Cloud(() -> {
				throw new IllegalStateException("provider API down");
			}, (hours) -> 1.0));
			instances.put("cost_hangs", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> {
				TestPlugins.hangIgnoringInterrupts(this.release);
				return 1.0;
			}));
			instances.put("cost_nan", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> Double.NaN));
			UnifiedPluginRegistry registry = CoreBadInputTests.this.registry;
			registry.registerPluginManager("mixed", new PluginManager() {
				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return instances.keySet().stream().map((name) -> PluginDescriptor.builder(name).build()).toList();
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					return Optional.ofNullable(instances.get(name));
				}
			});
			registry.registerPluginManager("lookup_hangs", new PluginManager() {
				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return List.of(PluginDescriptor.builder("p").build());
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					TestPlugins.hangIgnoringInterrupts(MisbehavingPluginInstances.this.release);
					return Optional.empty();
				}
			});
			registry.registerPluginManager("lookup_throws", new PluginManager() {
				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return List.of(PluginDescriptor.builder("p").build());
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					throw new IllegalStateException("manager broken");
				}
			});
		}

		@AfterEach
		void releaseHungThreads() {
			this.release.countDown();
			this.calls.close();
			this.processes.killAll();
		}

		@Test
		void eachMisbehavingPluginGetsAnErrorAndTheOthersAreCorrect() {
			PluginInspector inspector = new PluginInspector(CoreBadInputTests.this.registry, this.calls, TIMEOUT);
			for (int round = 1; round <= 3; round++) {
				PluginInspection inspection = assertTimeoutPreemptively(Duration.ofSeconds(15),
						() -> inspector.inspectAll(1.0), "the inspection answers despite the hung plugins");
				Map<String, PluginReport> reports = byId(inspection);

				assertThat(reports.get("mixed_null_pids").error()).as("round %d", round).contains("getChildPids");
				assertThat(reports.get("mixed_remote_throws").error()).contains("provider API down");
				assertThat(reports.get("mixed_cost_hangs").error()).isNotNull();
				assertThat(reports.get("mixed_cost_nan").error()).contains("NaN");
				assertThat(reports.get("lookup_hangs_p").error()).isNotNull();
				assertThat(reports.get("lookup_throws_p").error()).contains("manager broken");

				assertThat(reports.get("llm_gpt").error()).isNull();
				assertThat(reports.get("llm_gpt").metadata().configured()).isTrue();
				assertThat(reports.get("mixed_good_local").error()).as("round %d", round).isNull();
				assertThat(reports.get("mixed_good_local").metadata().spawnedPids()).containsExactly(this.childPid);
				assertThat(reports.get("mixed_good_cloud").error()).as("round %d", round).isNull();
				assertThat(inspection.costByPlugin()).containsExactly(Map.entry("mixed_good_cloud", 2.0));
				assertThat(inspection.totalCost()).isEqualTo(2.0);
				assertThat(inspection.managedPids()).containsExactly(Map.entry("mixed_good_local", List.of(this.childPid)));
			}
		}

		@Test
		void aHungPluginHoldsOneThreadAndNeverStarvesTheOthers() {
			// Two threads only: if every inspection left another thread stuck in the hung
			// plugin, the healthy plugins would soon have none left.
			BoundedCalls twoThreads = new BoundedCalls("two-threads-", 2);
			try {
				PluginInspector inspector = new PluginInspector(CoreBadInputTests.this.registry, twoThreads, TIMEOUT);
				for (int round = 1; round <= 4; round++) {
					PluginReport hung = assertTimeoutPreemptively(Duration.ofSeconds(15),
							() -> inspector.inspect("mixed_cost_hangs", 1.0)).orElseThrow();
					assertThat(hung.error()).isNotNull();
					PluginReport healthy = inspector.inspect("mixed_good_cloud", 1.0).orElseThrow();
					assertThat(healthy.error()).as("healthy plugin, round %d", round).isNull();
					assertThat(healthy.cost()).isEqualTo(2.0);
				}
			}
			finally {
				this.release.countDown();
				twoThreads.close();
			}
		}

		@Test
		void detailOfEachMisbehavingPluginIsAnError() {
			PluginInspector inspector = new PluginInspector(CoreBadInputTests.this.registry, this.calls, TIMEOUT);
			for (String id : List.of("mixed_null_pids", "mixed_remote_throws", "mixed_cost_hangs", "mixed_cost_nan",
					"lookup_hangs_p", "lookup_throws_p")) {
				PluginReport report = assertTimeoutPreemptively(Duration.ofSeconds(15),
						() -> inspector.inspect(id, 2.0)).orElseThrow();
				assertThat(report.error()).as(id).isNotNull();
				assertThat(report.metadata().uniqueId()).isEqualTo(id);
			}
			assertThat(inspector.inspect("mixed_good_cloud", 2.0).orElseThrow().cost()).isEqualTo(4.0);
		}

		@Test
		void hoursThatAreNotAFinitePositiveNumberAreRejected() {
			PluginInspector inspector = new PluginInspector(CoreBadInputTests.this.registry, this.calls, TIMEOUT);
			for (double hours : new double[] { 0, -1, Double.NaN, Double.POSITIVE_INFINITY }) {
				assertThatIllegalArgumentException().isThrownBy(() -> inspector.inspectAll(hours))
					.withMessageContaining("hours");
			}
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new PluginInspector(CoreBadInputTests.this.registry, this.calls, Duration.ZERO))
				.withMessageContaining("timeout");
		}

		private static Map<String, PluginReport> byId(PluginInspection inspection) {
			Map<String, PluginReport> reports = new HashMap<>();
			inspection.plugins().forEach((report) -> reports.put(report.metadata().uniqueId(), report));
			return reports;
		}

	}

}
