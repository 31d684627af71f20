package dev.unifiedplugins.lifecycle;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.unifiedplugins.shutdown.PluginShutdown;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Cleans up plugin resources when the application context closes, after the web server
 * has stopped taking requests. When the context fails before it started, cleanup runs as
 * the context destroys its beans instead, so processes started during a failed start-up
 * are ended too.
 */
public class PluginsShutdownLifecycle implements SmartLifecycle, DisposableBean {

	/** Stops after the web server (whose phases are a little below the default). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final PluginShutdown shutdown;

	private final boolean cleanup;

	private final boolean terminateCloudResources;

	private volatile boolean running;

	private final AtomicBoolean cleanedUp = new AtomicBoolean();

	/**
	 * Creates the lifecycle.
	 * @param shutdown the cleanup procedure
	 * @param cleanup whether to call {@code forceCleanup()} on every lifecycle-aware plugin
	 * @param terminateCloudResources whether to terminate the plugins' running cloud resources
	 */
	public PluginsShutdownLifecycle(PluginShutdown shutdown, boolean cleanup, boolean terminateCloudResources) {
		this.shutdown = shutdown;
		this.cleanup = cleanup;
		this.terminateCloudResources = terminateCloudResources;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		if (this.running) {
			this.running = false;
			cleanUp();
		}
	}

	@Override
	public void destroy() {
		cleanUp();
	}

	private void cleanUp() {
		if (this.cleanedUp.compareAndSet(false, true)) {
			this.shutdown.run(this.cleanup, this.terminateCloudResources);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
