package dev.unifiedplugins.sample.worker;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.unifiedplugins.sample.worker.PcmTranscriber;

/**
 * The process tree that the {@code voxtral_vllm} plugin runs, split the way vLLM splits
 * its API server from its engine core.
 * <ul>
 * <li>Without arguments it is the <em>front end</em>: it starts the engine as its own
 * child, serves HTTP on a loopback ephemeral port, prints one {@link Ready} line on
 * stdout, then reads stdin until end of file and exits, ending the engine first.</li>
 * <li>With the argument {@value #ENGINE} it is the <em>engine</em>: it reads one
 * base64-encoded clip per line on stdin, answers one line per clip on stdout, and exits at
 * end of file.</li>
 * </ul>
 * Both leave when their parent does: the parent holds the write end of their stdin, and
 * the operating system closes it when the parent dies, however it dies.
 */
public final class TranscriptionWorker {

	/** The argument that makes the process an engine. */
	public static final String ENGINE = "engine";

	/** The health check: GET answers JSON with both PIDs, 503 once the engine is gone. */
	public static final String HEALTH_PATH = "/health";

	/**
	 * The transcription API: POST 16-bit little-endian mono PCM at 16 kHz, answers the
	 * transcript as text.
	 */
	public static final String TRANSCRIPTIONS_PATH = "/v1/audio/transcriptions";

	/** The engine holds one clip at a time and compiles little: a small heap and C1 do. */
	static final List<String> ENGINE_JVM_OPTIONS = List.of("-Xmx16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
			"-Xshare:auto", "-XX:-UsePerfData");

	/** The largest clip accepted: 32 seconds of audio. */
	static final int MAX_AUDIO_BYTES = 1024 * 1024;

	private static final Duration ENGINE_STOP_GRACE = Duration.ofSeconds(5);

	private final Process engine;

	private final BufferedWriter toEngine;

	private final BufferedReader fromEngine;

	private TranscriptionWorker(Process engine) {
		this.engine = engine;
		this.toEngine = new BufferedWriter(new OutputStreamWriter(engine.getOutputStream(), StandardCharsets.UTF_8));
		this.fromEngine = engine.inputReader(StandardCharsets.UTF_8);
	}

	public static void main(String[] args) throws IOException {
		if (args.length == 1 && ENGINE.equals(args[0])) {
			runEngine(System.in, System.out);
			return;
		}
		if (args.length != 0) {
			System.err.println("Usage: TranscriptionWorker [" + ENGINE + "]");
			System.exit(2);
		}
		List<String> command = JavaCommand.forMainClass(TranscriptionWorker.class.getName(), ENGINE_JVM_OPTIONS,
				List.of(ENGINE));
		// The engine writes its errors where ours go: to the plugin, which logs them.
		new TranscriptionWorker(new ProcessBuilder(command).redirectError(Redirect.INHERIT).start()).serve();
	}

	private void serve() throws IOException {
		// Installed before anything else can fail, so that the engine never outlives us,
		// whether we exit at end of input, on SIGTERM or on an error.
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> ProcessTrees.terminate(this.engine.toHandle(), ENGINE_STOP_GRACE),
					"engine-shutdown"));
		InetAddress loopback = InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		HttpServer server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
		server.createContext(HEALTH_PATH, this::health);
		server.createContext(TRANSCRIPTIONS_PATH, this::transcribe);
		server.start();
		Ready ready = new Ready(server.getAddress().getPort(), this.engine.pid());
		System.out.println(ready.format());
		System.out.flush();
		System.err.println("Serving http://127.0.0.1:" + ready.port() + " with engine " + ready.enginePid());
		try {
			// Our parent holds the other end of stdin: end of file means that it closed it or died.
			System.in.transferTo(OutputStream.nullOutputStream());
		}
		catch (IOException ex) {
			// A broken pipe says the same.
		}
		System.exit(0);
	}

	private void health(HttpExchange exchange) throws IOException {
		if (!"GET".equals(exchange.getRequestMethod())) {
			respond(exchange, 405, "text/plain", "Use GET");
			return;
		}
		boolean up = this.engine.isAlive();
		String body = String.format(Locale.ROOT, "{\"status\":\"%s\",\"pid\":%d,\"enginePid\":%d}", up ? "UP" : "DOWN",
				ProcessHandle.current().pid(), this.engine.pid());
		respond(exchange, up ? 200 : 503, "application/json", body);
	}

	private void transcribe(HttpExchange exchange) throws IOException {
		if (!"POST".equals(exchange.getRequestMethod())) {
			respond(exchange, 405, "text/plain", "Use POST");
			return;
		}
		byte[] audio;
		try (InputStream body = exchange.getRequestBody()) {
			audio = body.readNBytes(MAX_AUDIO_BYTES + 1);
		}
		if (audio.length > MAX_AUDIO_BYTES) {
			respond(exchange, 413, "text/plain", "Audio must be at most " + MAX_AUDIO_BYTES + " bytes");
			return;
		}
		String answer;
		try {
			answer = askEngine(Base64.getEncoder().encodeToString(audio));
		}
		catch (IOException ex) {
			respond(exchange, 503, "text/plain", "Engine unavailable: " + ex.getMessage());
			return;
		}
		if (answer.startsWith("OK ")) {
			respond(exchange, 200, "text/plain", answer.substring(3));
		}
		else {
			respond(exchange, 400, "text/plain", answer.substring(answer.indexOf(' ') + 1));
		}
	}

	// One clip at a time: the engine answers in order on a single pipe.
	private synchronized String askEngine(String request) throws IOException {
		this.toEngine.write(request);
		this.toEngine.newLine();
		this.toEngine.flush();
		String answer = this.fromEngine.readLine();
		if (answer == null) {
			throw new IOException("engine " + this.engine.pid() + " has exited");
		}
		return answer;
	}

	private static void respond(HttpExchange exchange, int status, String contentType, String body)
			throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	/**
	 * Answers each request line until end of input: {@code OK <transcript>} or
	 * {@code ERR <reason>}.
	 */
	static void runEngine(InputStream in, PrintStream out) throws IOException {
		BufferedReader requests = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
		String request;
		while ((request = requests.readLine()) != null) {
			String answer;
			try {
				answer = "OK " + PcmTranscriber.transcribe(Base64.getDecoder().decode(request));
			}
			catch (IllegalArgumentException ex) {
				// One line per answer, whatever the message holds.
				answer = "ERR " + String.valueOf(ex.getMessage()).replaceAll("\\R", " ");
			}
			out.println(answer);
			out.flush();
		}
	}

	/**
	 * What a front end reports on stdout once it serves:
	 * {@code READY port=<port> engine=<pid>}.
	 *
	 * @param port the loopback port of its HTTP server
	 * @param enginePid the PID of its engine process
	 */
	public record Ready(int port, long enginePid) {

		private static final Pattern LINE = Pattern.compile("READY port=(\\d{1,5}) engine=(\\d{1,19})");

		/**
		 * Reads a line of a front end's output.
		 * @param line the line
		 * @return the report, or empty when the line is something else
		 */
		public static Optional<Ready> parse(String line) {
			Matcher matcher = LINE.matcher(line.strip());
			if (!matcher.matches()) {
				return Optional.empty();
			}
			return Optional.of(new Ready(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2))));
		}

		/**
		 * The line as the front end prints it.
		 * @return the line, without line separator
		 */
		public String format() {
			return "READY port=" + this.port + " engine=" + this.enginePid;
		}

	}

}
