package dev.unifiedplugins.config;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that the Python library reads what {@link FileSystemPluginConfigStore} writes and
 * the store reads what the library writes, by running {@code python3} the way the library
 * uses its files: {@code json.load(open(path))} and
 * {@code json.dump(config, open(path, "w"), indent=2)}, in the C locale that containers
 * often have, where {@code open()} decodes ASCII only.
 */
class PythonInteropTests {

	/**
	 * The same configuration as {@link #expected()}, as a Python literal. The script is
	 * ASCII: under the C locale Python could not decode anything else from its arguments.
	 */
	private static final String SCRIPT = """
			import codecs, json, locale, sys
			expected = {
			    "text": "Gr\\u00fc\\u00dfe \\u65e5\\u672c \\U0001f600",
			    "nested": {"device": "cuda", "layers": [1, 2, {"deep": [True, False, None]}]},
			    "list": ["a", 1, 2.5, None],
			    "big": 2**100,
			    "negative_big": -(2**100),
			    "int": 42,
			    "float": 0.1,
			    "tiny": 1e-05,
			    "huge": 1.5e300,
			    "negative_zero": -0.0,
			    "yes": True,
			    "no": False,
			    "nothing": None,
			    "nan": float("nan"),
			    "inf": float("inf"),
			    "negative_inf": float("-inf"),
			    "empty_object": {},
			    "empty_list": [],
			}
			encoding = codecs.lookup(locale.getpreferredencoding(False)).name
			if encoding != "ascii":
			    sys.exit("open() decodes " + encoding + ", not ASCII: the test does not run in the C locale")
			mode, path = sys.argv[1], sys.argv[2]
			if mode == "check":
			    config = json.load(open(path))
			    # ascii() tells 1 from 1.0 and True from 1, and shows nan, which == would not match
			    if ascii(config) != ascii(expected):
			        sys.exit("read " + ascii(config) + "\\nwant " + ascii(expected))
			elif mode == "write":
			    json.dump(expected, open(path, "w"), indent=2)
			else:
			    config = json.load(open(path))
			    json.dump(config, open(path, "w"), indent=2)
			""";

	@TempDir
	Path dir;

	@BeforeAll
	static void requirePython() {
		assumeTrue(pythonAvailable(), "python3 is not on the PATH: install python3 (apt-get install python3) "
				+ "to run the interoperability tests with the Python library");
	}

	@Test
	void pythonReadsWhatTheStoreWritesInTheCLocale() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.save("llm_llama3", expected());
		assertThat(python("check", store.pathOf("llm_llama3"))).isEqualTo("");
	}

	@Test
	void storeReadsWhatPythonWritesInTheCLocale() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		python("write", store.pathOf("llm_llama3"));
		assertThat(store.load("llm_llama3")).contains(expected());
	}

	@Test
	void configSurvivesARoundTripThroughPython() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.save("llm_llama3", expected());
		python("rewrite", store.pathOf("llm_llama3"));
		Map<String, Object> reread = store.load("llm_llama3").orElseThrow();
		assertThat(reread).isEqualTo(expected());
		assertThat(reread.keySet()).containsExactlyElementsOf(expected().keySet());
	}

	/** The configuration {@link #SCRIPT} holds, as the store loads it. */
	private static Map<String, Object> expected() {
		Map<String, Object> nested = new LinkedHashMap<>();
		nested.put("device", "cuda");
		nested.put("layers", List.of(1, 2, Map.of("deep", Arrays.asList(true, false, null))));
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("text", "Grüße 日本 😀");
		config.put("nested", nested);
		config.put("list", Arrays.asList("a", 1, 2.5, null));
		config.put("big", BigInteger.TWO.pow(100));
		config.put("negative_big", BigInteger.TWO.pow(100).negate());
		config.put("int", 42);
		config.put("float", 0.1);
		config.put("tiny", 1e-05);
		config.put("huge", 1.5e300);
		config.put("negative_zero", -0.0);
		config.put("yes", true);
		config.put("no", false);
		config.put("nothing", null);
		config.put("nan", Double.NaN);
		config.put("inf", Double.POSITIVE_INFINITY);
		config.put("negative_inf", Double.NEGATIVE_INFINITY);
		config.put("empty_object", Map.of());
		config.put("empty_list", List.of());
		return config;
	}

	/**
	 * Runs the script in the C locale, without Python's UTF-8 mode, which Python would
	 * otherwise turn on by itself in that locale (PEP 540): then {@code open()} decodes
	 * ASCII, as in a container whose Python has no UTF-8 mode or an older version.
	 * @return what it printed
	 */
	private static String python(String mode, Path file) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder("python3", "-c", SCRIPT, mode, file.toString())
			.redirectErrorStream(true);
		Map<String, String> environment = builder.environment();
		environment.keySet().removeIf((name) -> name.equals("LANG") || name.equals("LANGUAGE")
				|| name.startsWith("LC_") || name.startsWith("PYTHON"));
		environment.put("LC_ALL", "C");
		environment.put("PYTHONUTF8", "0");
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
		assertThat(process.exitValue()).as("python3 %s failed:%n%s", mode, output).isZero();
		return output;
	}

	private static boolean pythonAvailable() {
		try {
			Process process = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
