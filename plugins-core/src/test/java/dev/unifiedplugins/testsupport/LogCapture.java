package dev.unifiedplugins.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the library logs through {@link System.Logger}, which without another
 * backend goes to {@code java.util.logging}: each record's message and its whole cause
 * chain, as a log file would show them.
 */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final Level previousLevel;

	private final List<String> lines = new ArrayList<>();

	private final Handler handler = new Handler() {

		@Override
		public void publish(LogRecord record) {
			StringBuilder text = new StringBuilder(record.getLevel() + " " + record.getMessage());
			for (Throwable cause = record.getThrown(); cause != null; cause = cause.getCause()) {
				text.append("\n  caused by ").append(cause);
			}
			synchronized (LogCapture.this.lines) {
				LogCapture.this.lines.add(text.toString());
			}
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	private LogCapture(String loggerName) {
		this.logger = Logger.getLogger(loggerName);
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.ALL);
		this.handler.setLevel(Level.ALL);
		this.logger.addHandler(this.handler);
	}

	/** Starts capturing everything logged under {@code dev.unifiedplugins}. */
	public static LogCapture start() {
		return new LogCapture("dev.unifiedplugins");
	}

	public String text() {
		synchronized (this.lines) {
			return String.join("\n", this.lines);
		}
	}

	@Override
	public void close() {
		this.logger.removeHandler(this.handler);
		this.logger.setLevel(this.previousLevel);
	}

}
