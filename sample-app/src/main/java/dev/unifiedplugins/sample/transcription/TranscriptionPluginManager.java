package dev.unifiedplugins.sample.transcription;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The {@code transcription} category: {@value WhisperTinyPlugin#NAME}, in-process, and
 * {@value VoxtralVllmPlugin#NAME}, a worker process tree.
 * <p>
 * Plugins load when the application context starts, the worker included, and the worker
 * stops with the context. The phase puts both around the web server's: the worker serves
 * before requests arrive and outlives the last of them.
 */
public class TranscriptionPluginManager implements PluginManager, SmartLifecycle, DisposableBean {

	/** The category this manager registers as. */
	public static final String CATEGORY = "transcription";

	private static final Log logger = LogFactory.getLog(TranscriptionPluginManager.class);

	private final boolean workerEnabled;

	private final VoxtralVllmPlugin voxtral;

	private final Map<String, Object> loaded = new ConcurrentHashMap<>();

	private volatile boolean running;

	/**
	 * Creates the manager; nothing loads until {@link #start()}.
	 * @param workerEnabled whether to start the {@value VoxtralVllmPlugin#NAME} worker
	 * @param workerStartupTimeout how long to wait for the worker to serve
	 */
	public TranscriptionPluginManager(boolean workerEnabled, Duration workerStartupTimeout) {
		this.workerEnabled = workerEnabled;
		this.voxtral = new VoxtralVllmPlugin(workerStartupTimeout);
	}

	@Override
	public String category() {
		return CATEGORY;
	}

	@Override
	public String displayName() {
		return "Speech to Text";
	}

	@Override
	public List<PluginDescriptor> discoverPlugins() {
		return List.of(WhisperTinyPlugin.DESCRIPTOR, VoxtralVllmPlugin.DESCRIPTOR);
	}

	/**
	 * The plugin, once {@link #start()} has loaded it. Loads and starts nothing.
	 * @param name the plugin's name
	 * @return the instance, or empty before the start, for an unknown name, or for a
	 * worker that is disabled or failed to start
	 */
	@Override
	public Optional<Object> getPlugin(String name) {
		return Optional.ofNullable(this.loaded.get(name));
	}

	/**
	 * Loads the plugins and starts the worker. A worker that fails to start is logged and
	 * left unloaded: one broken plugin should not keep the application down.
	 */
	@Override
	public void start() {
		this.loaded.computeIfAbsent(WhisperTinyPlugin.NAME, (name) -> new WhisperTinyPlugin("cpu"));
		if (this.workerEnabled) {
			try {
				this.voxtral.start();
				this.loaded.put(VoxtralVllmPlugin.NAME, this.voxtral);
			}
			catch (RuntimeException ex) {
				logger.error("Could not start the " + VoxtralVllmPlugin.NAME + " plugin; it stays unloaded", ex);
			}
		}
		this.running = true;
	}

	/**
	 * Ends the worker. The plugin stays loaded, reporting no processes, so the registry
	 * can still reach it while the context closes.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.voxtral.forceCleanup();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// The web server starts at a later phase and stops at it earlier.
		return 0;
	}

	// A context that fails to refresh destroys its beans without stopping them.
	@Override
	public void destroy() {
		stop();
	}

}
