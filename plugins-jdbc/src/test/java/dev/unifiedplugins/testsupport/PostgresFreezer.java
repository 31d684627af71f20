package dev.unifiedplugins.testsupport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Stops every process of a test's PostgreSQL with {@code kill -STOP} and resumes them with
 * {@code kill -CONT}: a server that stops answering on its open connections (a hung host,
 * a network that drops every packet) while they stay open, and that new connections reach
 * without an answer. Not on Windows. Closing it resumes the server.
 */
public final class PostgresFreezer implements AutoCloseable {

	private final List<Long> processes = new ArrayList<>();

	private boolean frozen;

	/**
	 * The server's postmaster and every process it runs now, found through a connection.
	 * @param dataSource a data source on the server
	 */
	public PostgresFreezer(DataSource dataSource) {
		long backend = new JdbcTemplate(dataSource).queryForObject("SELECT pg_backend_pid()", Long.class);
		ProcessHandle postmaster = ProcessHandle.of(backend).orElseThrow().parent().orElseThrow();
		this.processes.add(postmaster.pid());
		postmaster.descendants().forEach((process) -> this.processes.add(process.pid()));
	}

	/** Stops the server's processes. */
	public void freeze() throws IOException, InterruptedException {
		this.frozen = true;
		signal("STOP");
	}

	/** Resumes them. */
	public void thaw() throws IOException, InterruptedException {
		if (this.frozen) {
			signal("CONT");
			this.frozen = false;
		}
	}

	@Override
	public void close() throws IOException, InterruptedException {
		thaw();
	}

	/** Sends a signal to the processes found, by their ids. */
	private void signal(String signal) throws IOException, InterruptedException {
		for (long pid : this.processes) {
			new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
		}
	}

}
