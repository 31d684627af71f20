package dev.unifiedplugins.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on the loopback interface to a local server that can cut the server's next
 * answer off after its first byte, and then forward nothing more from it: a network that
 * dies partway through a message, the connection left open. Closing it closes every
 * connection it made.
 */
public final class StallingProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicBoolean stallNext = new AtomicBoolean();

	private final CountDownLatch stalled = new CountDownLatch(1);

	/**
	 * Starts forwarding.
	 * @param targetPort the port of the server on the loopback interface
	 */
	public StallingProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		daemon("stalling-proxy-accept", this::accept);
	}

	/** The port to connect to instead of the server's. */
	public int getPort() {
		return this.server.getLocalPort();
	}

	/** Cuts off the next bytes the server sends, on whichever connection, after their first. */
	public void stallAfterNextByte() {
		this.stallNext.set(true);
	}

	/** Waits until a cut has happened. */
	public boolean awaitStalled(long timeout, TimeUnit unit) throws InterruptedException {
		return this.stalled.await(timeout, unit);
	}

	private void accept() {
		try {
			while (true) {
				Socket client = this.server.accept();
				Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.sockets.add(client);
				this.sockets.add(target);
				daemon("stalling-proxy-up", () -> pump(client, target, false));
				daemon("stalling-proxy-down", () -> pump(target, client, true));
			}
		}
		catch (IOException ex) {
			// closed
		}
	}

	private void pump(Socket from, Socket to, boolean fromServer) {
		byte[] buffer = new byte[8192];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				if (fromServer && this.stallNext.compareAndSet(true, false)) {
					out.write(buffer, 0, 1);
					out.flush();
					this.stalled.countDown();
					// Nothing more from the server reaches the client; both stay open.
					while (in.read(buffer) >= 0) {
						// dropped
					}
					return;
				}
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// closed
		}
	}

	private static void daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

}
