package dev.unifiedplugins.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start, followed as a newcomer would: its Java snippets compiled as
 * they stand, its {@code application.properties} as the application's only configuration,
 * the application started on a real port, and {@code /actuator/plugins} asked over HTTP
 * for the answer the README shows. The dependency it tells to add is this project's.
 * <p>
 * The snippets are the {@code java} blocks of the README's "Quick start" section, with the
 * application class start.spring.io generates unless they hold one; the properties and the
 * answer are the blocks marked {@code <!-- quick-start-test: ... -->}.
 */
class ReadmeQuickStartTests {

	private static final Path README = Path.of("..", "README.md");

	private static final String SECTION = "## Quick start";

	private static final JsonMapper json = JsonMapper.builder().build();

	/** The application class start.spring.io generates, which the README does not repeat. */
	private static final String START_SPRING_IO_APPLICATION = """
			package %s;

			import org.springframework.boot.SpringApplication;
			import org.springframework.boot.autoconfigure.SpringBootApplication;

			@SpringBootApplication
			public class DemoApplication {

				public static void main(String[] args) {
					SpringApplication.run(DemoApplication.class, args);
				}

			}
			""";

	@Test
	void theDependencyToAddIsThisProjectsStarterAtItsVersion() throws Exception {
		QuickStart quickStart = QuickStart.read();
		String version = text(pom(Path.of("..", "pom.xml")), "version");
		String starter = text(pom(Path.of("..", "plugins-spring-boot-starter", "pom.xml")), "artifactId");
		String groupId = text(pom(Path.of("..", "pom.xml")), "groupId");
		String maven = quickStart.block("xml", null);
		assertThat(tag(maven, "groupId")).isEqualTo(groupId);
		assertThat(tag(maven, "artifactId")).isEqualTo(starter);
		assertThat(tag(maven, "version")).isEqualTo(version);
		assertThat(quickStart.text())
			.contains("implementation(\"" + groupId + ":" + starter + ":" + version + "\")")
			.contains("mavenLocal()");
		// The starter's module with what it needs (-am): core, jdbc, autoconfigure, the parent.
		assertThat(quickStart.text()).contains("./mvnw -B -DskipTests -pl " + starter + " -am install");
	}

	@Test
	void thePropertiesItSetsExist() throws Exception {
		// The sample's own metadata comes first on the class path, the starter's after it.
		Set<String> known = new HashSet<>();
		for (URL url : Collections.list(getClass().getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream metadata = url.openStream()) {
				json.readTree(metadata)
					.get("properties")
					.forEach((property) -> known.add(property.get("name").asString()));
			}
		}
		List<String> ours = new ArrayList<>();
		for (String block : QuickStart.read().blocks("properties")) {
			block.lines()
				.filter((line) -> !line.isBlank() && !line.startsWith("#"))
				.map((line) -> line.substring(0, line.indexOf('=')).trim())
				.filter((name) -> name.startsWith("plugins.") || name.startsWith("management.endpoint.plugins."))
				.forEach(ours::add);
		}
		assertThat(ours).isNotEmpty();
		for (String name : ours) {
			// plugins.systems.<category>.* is a map: its keys are the map's, then the entry's.
			String documented = name.startsWith("plugins.systems.") ? "plugins.systems" : name;
			assertThat(known).as("property %s of the quick start", name).contains(documented);
		}
	}

	@Test
	void itsApplicationShowsItsPluginsAtTheEndpointAsTheReadmeSays(@TempDir Path dir) throws Exception {
		QuickStart quickStart = QuickStart.read();
		List<String> snippets = quickStart.blocks("java");
		assertThat(snippets).as("java blocks of the quick start").isNotEmpty();
		if (snippets.stream().noneMatch((snippet) -> snippet.contains("@SpringBootApplication"))) {
			// The README starts from start.spring.io's application class; here it is.
			snippets = new ArrayList<>(snippets);
			snippets.add(START_SPRING_IO_APPLICATION.formatted(packageOf(snippets.get(0))));
		}
		Path sources = dir.resolve("src");
		Path classes = Files.createDirectories(dir.resolve("classes"));
		List<Path> files = new ArrayList<>();
		List<String> types = new ArrayList<>();
		for (String snippet : snippets) {
			String type = packageOf(snippet) + "." + publicTypeOf(snippet);
			Path file = sources.resolve(type.replace('.', '/') + ".java");
			Files.createDirectories(file.getParent());
			Files.writeString(file, snippet);
			files.add(file);
			types.add(type);
		}
		compile(files, classes);
		Path properties = dir.resolve("application.properties");
		Files.writeString(properties, quickStart.block("properties", "application.properties"));
		JsonNode expected = json.readTree(quickStart.block("json", "answer"));

		ClassLoader previous = Thread.currentThread().getContextClassLoader();
		try (URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
				getClass().getClassLoader())) {
			Class<?> application = null;
			for (String type : types) {
				Class<?> candidate = loader.loadClass(type);
				if (candidate.isAnnotationPresent(SpringBootApplication.class)) {
					application = candidate;
				}
			}
			assertThat(application).as("a @SpringBootApplication among the quick start's snippets").isNotNull();
			Thread.currentThread().setContextClassLoader(loader);
			ConfigurableApplicationContext context = new SpringApplicationBuilder(application).main(application)
				.resourceLoader(new DefaultResourceLoader(loader))
				.run(
						// The README's application.properties, and not the sample's application.yml.
						"--spring.config.location=file:" + properties.toAbsolutePath(),
						// A free port on this machine, configurations in the test's directory.
						"--server.port=0", "--server.address=127.0.0.1",
						"--plugins.config-dir=" + dir.resolve("configs"),
						// The README's next step, which opens the writes.
						"--management.endpoint.plugins.access=unrestricted",
						// The sample's class path has Spring JDBC and the PostgreSQL driver (its
						// 'shared' profile); an application made from the quick start has neither.
						"--spring.autoconfigure.exclude="
								+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");
			try {
				int port = ((WebServerApplicationContext) context).getWebServer().getPort();
				HttpResponse<String> answer = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/plugins")).build(),
							HttpResponse.BodyHandlers.ofString());
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
				List<String> differences = new ArrayList<>();
				compare(expected, json.readTree(answer.body()), "", differences);
				assertThat(differences).as("the README's answer against the real one:%n%s",
						json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(answer.body())))
					.isEmpty();
				theSaveDoesWhatTheReadmeSays(quickStart, port, dir.resolve("configs"), context,
						loader.loadClass(packageOf(snippets.get(0)) + ".Transcriber"));
			}
			finally {
				context.close();
			}
		}
		finally {
			Thread.currentThread().setContextClassLoader(previous);
		}
	}

	/**
	 * The README's save, its own curl sent as it is: the answer masks the values and lists
	 * the path saved, the file is written, and the loaded plugin is configured with it.
	 */
	private static void theSaveDoesWhatTheReadmeSays(QuickStart quickStart, int port, Path configs,
			ConfigurableApplicationContext context, Class<?> pluginInterface) throws Exception {
		Matcher curl = Pattern.compile("curl -s -X POST localhost:8080(\\S+) -H 'Content-Type: application/json'"
				+ " -d '([^']+)'").matcher(quickStart.text());
		assertThat(curl.find()).as("the README's curl of a save").isTrue();
		HttpResponse<String> saved = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + curl.group(1)))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(curl.group(2)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		JsonNode body = json.readTree(saved.body());
		assertThat(body.get("savedPaths").toString()).isEqualTo("[\"/model\"]");
		assertThat(body.get("config").get("model").asString()).isEqualTo("******");
		assertThat(Files.readString(configs.resolve("transcription_whisper.json"))).contains("\"small\"");
		Object whisper = context.getBeansOfType(pluginInterface)
			.values()
			.stream()
			.filter((bean) -> bean.getClass().getSimpleName().startsWith("Whisper"))
			.findFirst()
			.orElseThrow();
		java.lang.reflect.Method transcribe = pluginInterface.getMethod("transcribe", byte[].class);
		long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
		while (!"whisper small".equals(transcribe.invoke(whisper, (Object) new byte[0]))
				&& System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(transcribe.invoke(whisper, (Object) new byte[0])).as("configured with the saved model")
			.isEqualTo("whisper small");
	}

	/**
	 * Whether the README's answer is in the real one: every field it shows, with its value;
	 * a field named {@code "..."} stands for the fields it leaves out, an element
	 * {@code "..."} at the end of an array for the elements it leaves out.
	 */
	private static void compare(JsonNode expected, JsonNode actual, String path, List<String> differences) {
		if (expected.isObject()) {
			if (!actual.isObject()) {
				differences.add(path + ": not an object");
				return;
			}
			for (String field : expected.propertyNames()) {
				if (field.equals("...")) {
					continue;
				}
				if (!actual.has(field)) {
					differences.add(path + "/" + field + ": missing");
				}
				else {
					compare(expected.get(field), actual.get(field), path + "/" + field, differences);
				}
			}
			if (!expected.has("...") && actual.size() != expected.size()) {
				differences.add(path + ": has the fields " + actual.propertyNames() + ", the README shows "
						+ expected.propertyNames() + " without \"...\"");
			}
		}
		else if (expected.isArray()) {
			int shown = expected.size();
			boolean trimmed = shown > 0 && "...".equals(expected.get(shown - 1).asString(""));
			int compared = trimmed ? shown - 1 : shown;
			if (!actual.isArray() || (trimmed ? actual.size() < compared : actual.size() != compared)) {
				differences.add(path + ": " + actual.size() + " elements, the README shows " + compared);
				return;
			}
			for (int i = 0; i < compared; i++) {
				compare(expected.get(i), actual.get(i), path + "/" + i, differences);
			}
		}
		else if (expected.isNumber() && actual.isNumber()) {
			if (expected.asDouble() != actual.asDouble()) {
				differences.add(path + ": " + actual + ", the README shows " + expected);
			}
		}
		else if (!expected.equals(actual)) {
			differences.add(path + ": " + actual + ", the README shows " + expected);
		}
	}

	private static void compile(List<Path> files, Path classes) throws IOException {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		assertThat(compiler).as("a JDK's compiler").isNotNull();
		// Surefire runs the tests from a manifest-only jar; it names the real class path here.
		String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		StringWriter output = new StringWriter();
		try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(null, Locale.ROOT,
				StandardCharsets.UTF_8)) {
			Iterable<? extends JavaFileObject> units = fileManager.getJavaFileObjectsFromPaths(files);
			boolean compiled = compiler
				.getTask(output, fileManager, null, List.of("--release", "17", "-proc:none", "-parameters",
						"-classpath", classPath, "-d", classes.toString()), null, units)
				.call();
			assertThat(compiled).as("the quick start's Java compiles:%n%s", output).isTrue();
		}
	}

	private static String packageOf(String snippet) {
		Matcher matcher = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;").matcher(snippet);
		assertThat(matcher.find()).as("a package declaration in%n%s", snippet).isTrue();
		return matcher.group(1);
	}

	private static String publicTypeOf(String snippet) {
		Matcher matcher = Pattern
			.compile("(?m)^public\\s+(?:(?:final|abstract|sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)")
			.matcher(snippet);
		assertThat(matcher.find()).as("a public top-level type in%n%s", snippet).isTrue();
		return matcher.group(1);
	}

	private static Document pom(Path path) throws Exception {
		return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile());
	}

	/** A child element of the project itself, not of its parent or dependencies. */
	private static String text(Document pom, String name) {
		for (Node node = pom.getDocumentElement().getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && element.getTagName().equals(name)) {
				return element.getTextContent().trim();
			}
		}
		// A module inherits its group id and version from the parent.
		Element parent = (Element) pom.getDocumentElement().getElementsByTagName("parent").item(0);
		return parent.getElementsByTagName(name).item(0).getTextContent().trim();
	}

	private static String tag(String xml, String name) {
		Matcher matcher = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
		assertThat(matcher.find()).as("<%s> in%n%s", name, xml).isTrue();
		return matcher.group(1);
	}

	/** The fenced blocks of the README's quick start, with the marker before each, if any. */
	private record QuickStart(String text, List<Block> blocks) {

		private static final Pattern MARKER = Pattern.compile("<!--\\s*quick-start-test:\\s*(\\S+)\\s*-->");

		static QuickStart read() throws IOException {
			List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
			int start = lines.indexOf(SECTION);
			assertThat(start).as("a line '%s' in the README", SECTION).isNotNegative();
			List<String> section = new ArrayList<>();
			for (String line : lines.subList(start + 1, lines.size())) {
				if (line.startsWith("## ")) {
					break;
				}
				section.add(line);
			}
			List<Block> blocks = new ArrayList<>();
			String marker = null;
			for (int i = 0; i < section.size(); i++) {
				String line = section.get(i);
				Matcher marked = MARKER.matcher(line);
				if (marked.find()) {
					marker = marked.group(1);
				}
				else if (line.startsWith("```")) {
					String language = line.substring(3).trim();
					StringBuilder content = new StringBuilder();
					for (i++; i < section.size() && !section.get(i).startsWith("```"); i++) {
						content.append(section.get(i)).append('\n');
					}
					blocks.add(new Block(language, marker, content.toString()));
					marker = null;
				}
			}
			return new QuickStart(String.join("\n", section), blocks);
		}

		List<String> blocks(String language) {
			return this.blocks.stream().filter((block) -> block.language().equals(language)).map(Block::content).toList();
		}

		/** The one block of a language, with the given marker or, for null, whichever. */
		String block(String language, String marker) {
			List<String> found = this.blocks.stream()
				.filter((block) -> block.language().equals(language))
				.filter((block) -> marker == null || marker.equals(block.marker()))
				.map(Block::content)
				.toList();
			assertThat(found).as("%s blocks marked %s in the quick start", language, marker).hasSize(1);
			return found.get(0);
		}

	}

	private record Block(String language, String marker, String content) {
	}

}
