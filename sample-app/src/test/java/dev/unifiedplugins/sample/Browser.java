package dev.unifiedplugins.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's Chromium, headless, driven by its chromedriver: nothing is downloaded (the
 * driver and the browser are given by path, so Selenium Manager has nothing to find).
 * <p>
 * Without them, browser tests are skipped with a message saying how to install them;
 * where they are required ({@code PLUGINS_BROWSER_TESTS=required} or {@code CI=true} in
 * the environment, or {@code -Dplugins.browser-tests=required}), they fail instead.
 */
final class Browser implements AutoCloseable {

	/** Debian's Chromium; {@code -Dplugins.browser.chromium} names another. */
	static final Path CHROMIUM = Path.of(System.getProperty("plugins.browser.chromium", "/usr/bin/chromium"));

	/** Its driver; {@code -Dplugins.browser.chromedriver} names another. */
	static final Path CHROMEDRIVER = Path
		.of(System.getProperty("plugins.browser.chromedriver", "/usr/bin/chromedriver"));

	/** Where screenshots go, relative to the module: {@code target/screenshots}. */
	static final Path SCREENSHOTS = Path.of("target", "screenshots");

	/**
	 * For the application the browser tests start: Selenium asks for a CDP implementation
	 * matching the browser's version, which only raw CDP commands are used without.
	 */
	static final String QUIET_SELENIUM = "--logging.level.org.openqa.selenium=ERROR";

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ChromeDriver driver;

	private final AtomicInteger loads = new AtomicInteger();

	private final Path profile;

	/** The phone emulated, or null. */
	private Dimension phone;

	private Browser(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/**
	 * Skips the calling tests when Chromium or its driver is missing, unless browser tests
	 * are required here, in which case they fail.
	 */
	static void assumeInstalled() {
		if (!installed()) {
			if (required()) {
				fail(missing() + REQUIRED);
			}
			Assumptions.abort(missing());
		}
	}

	private static final String REQUIRED = ". They are required here (PLUGINS_BROWSER_TESTS=required, CI=true or "
			+ "-Dplugins.browser-tests=required), so they fail rather than skip.";

	static boolean installed() {
		return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
	}

	/** What is missing, and how to install it or name another. */
	static String missing() {
		String absent = Stream.of(CHROMIUM, CHROMEDRIVER)
			.filter((file) -> !Files.isExecutable(file))
			.map(Path::toString)
			.collect(Collectors.joining(" and "));
		return "Browser tests need Chromium and its chromedriver, and " + absent
				+ " is not an executable file here: install them (apt-get install chromium chromium-driver), or name "
				+ "them with -Dplugins.browser.chromium=<path> and -Dplugins.browser.chromedriver=<path>";
	}

	/**
	 * Runs a test class only where Chromium and its driver are installed: elsewhere its tests
	 * are reported as skipped, saying how to install them, or fail where browser tests are
	 * required. Before any application starts. The tests skipped are also told on the
	 * console, once, when the run ends (see {@link Skipped}).
	 */
	static final class Installed implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			if (installed()) {
				return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
			}
			if (required()) {
				throw new IllegalStateException(missing() + REQUIRED);
			}
			context.getRoot().getStore(SKIPPED).computeIfAbsent(Skipped.class).add(context);
			return ConditionEvaluationResult.disabled(missing());
		}

	}

	private static final ExtensionContext.Namespace SKIPPED = ExtensionContext.Namespace.create(Skipped.class);

	/**
	 * The browser tests skipped in a run. A skipped test's reason is in the test reports
	 * only, so when the run ends, as the store of the run is closed, it says on the console
	 * how many were skipped and why, once.
	 */
	static final class Skipped implements AutoCloseable {

		private final AtomicInteger tests = new AtomicInteger();

		private final Set<String> classes = new ConcurrentSkipListSet<>();

		void add(ExtensionContext context) {
			Class<?> testClass = context.getRequiredTestClass();
			this.classes.add(testClass.getSimpleName());
			this.tests.addAndGet(context.getTestMethod().isPresent() ? 1
					: AnnotationSupport.findAnnotatedMethods(testClass, Testable.class, HierarchyTraversalMode.TOP_DOWN)
						.size());
		}

		@Override
		public void close() {
			int count = this.tests.get();
			System.err.println("WARNING: " + count + " browser test" + ((count == 1) ? " was" : "s were")
					+ " skipped (" + String.join(", ", this.classes) + "). " + missing()
					+ ". Where they must run, set PLUGINS_BROWSER_TESTS=required (or CI=true, or "
					+ "-Dplugins.browser-tests=required): then they fail instead of skipping.");
		}

	}

	static boolean required() {
		return "required".equalsIgnoreCase(System.getenv("PLUGINS_BROWSER_TESTS"))
				|| "required".equalsIgnoreCase(System.getProperty("plugins.browser-tests"))
				|| "true".equalsIgnoreCase(System.getenv("CI"));
	}

	/**
	 * Starts a headless Chromium with a fresh profile.
	 * @param width the window's width in CSS pixels
	 * @param height the window's height in CSS pixels
	 * @return the browser
	 */
	static Browser open(int width, int height) {
		assumeInstalled();
		Path profile;
		try {
			profile = Files.createTempDirectory("plugins-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
				"--lang=en-US");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new Browser(new ChromeDriver(service, options), profile);
	}

	WebDriver driver() {
		return this.driver;
	}

	/** Lays out the page as a phone of that size would. */
	void emulatePhone(int width, int height) {
		viewport(width, height);
		this.phone = new Dimension(width, height);
	}

	private void viewport(int width, int height) {
		this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
	}

	/** Runs a script in every document the browser loads from now on, before its own scripts. */
	void onNewDocument(String script) {
		this.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
	}

	@SuppressWarnings("unchecked")
	<T> T script(String script, Object... args) {
		return (T) ((JavascriptExecutor) this.driver).executeScript(script, args);
	}

	@SuppressWarnings("unchecked")
	<T> T asyncScript(String script, Object... args) {
		return (T) ((JavascriptExecutor) this.driver).executeAsyncScript(script, args);
	}

	<T> T await(String what, Function<WebDriver, T> condition) {
		// The page replaces its form when it shows another plugin or revision.
		return new WebDriverWait(this.driver, WAIT).withMessage(what)
			.ignoring(StaleElementReferenceException.class)
			.until(condition);
	}

	/**
	 * Loads the settings page afresh (a new query each time, so nothing is cached) on a
	 * plugin, and waits until its form is ready.
	 * @param baseUrl the application's URL, without the page's path
	 * @param uniqueId the plugin
	 */
	void openSettings(String baseUrl, String uniqueId) {
		this.driver.get(baseUrl + "/plugins-ui/?load=" + this.loads.incrementAndGet() + "#" + uniqueId);
		awaitSettings(uniqueId);
	}

	/** Waits until the settings page shows a plugin's form, ready for input. */
	void awaitSettings(String uniqueId) {
		await("the form of " + uniqueId, (driver) -> {
			String ready = driver.findElement(By.id("settings")).getDomAttribute("data-ready");
			return ready != null && ready.startsWith(uniqueId + ":");
		});
	}

	WebElement byId(String id) {
		return this.driver.findElement(By.id(id));
	}

	/**
	 * A form control of the settings page.
	 * @param path the property's path as the form names it: {@code beam_size}, or
	 * {@code style][tone} for {@code tone} in {@code style}
	 * @return the control
	 */
	WebElement field(String path) {
		return this.driver.findElement(By.name("root[" + path + "]"));
	}

	/** Types into a form control and leaves it, so that the form takes the change. */
	void type(String path, String text) {
		WebElement input = field(path);
		input.clear();
		input.sendKeys(text);
		input.sendKeys(Keys.TAB);
	}

	/**
	 * Saves a screenshot of the whole page as {@code target/screenshots/<name>.png}.
	 * @param name the file's name, without extension
	 * @return the file
	 */
	Path screenshot(String name) {
		Long height = script("return document.documentElement.scrollHeight");
		Long width = script("return window.innerWidth");
		// The whole page: a viewport as tall as the page, then the window's own again.
		this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", width.intValue(), "height", (int) Math.min(height, 6000), "deviceScaleFactor",
						(this.phone != null) ? 2 : 1, "mobile", this.phone != null));
		try {
			Files.createDirectories(SCREENSHOTS);
			Path file = SCREENSHOTS.resolve(name.toLowerCase(Locale.ROOT) + ".png");
			Files.copy(this.driver.getScreenshotAs(OutputType.FILE).toPath(), file,
					StandardCopyOption.REPLACE_EXISTING);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			if (this.phone != null) {
				viewport(this.phone.getWidth(), this.phone.getHeight());
			}
			else {
				this.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
			}
		}
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				// A temporary directory: what is left is left for the system to clean.
			}
		}
	}

}
