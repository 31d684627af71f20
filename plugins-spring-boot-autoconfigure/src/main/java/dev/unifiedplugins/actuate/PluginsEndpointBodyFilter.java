package dev.unifiedplugins.actuate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Objects;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a save to the {@code plugins} endpoint on a servlet stack carry its configuration as
 * a JSON object, {@code {"config": {...}}}, as well as JSON text. See
 * {@link PluginsEndpointWebExtension#save}. A body that could not be read at all is a 400
 * saying why (see {@link ConfigObjectBody}). Its 503 answers to writes (a busy plugin, a
 * failed store) carry {@code Retry-After}.
 */
public class PluginsEndpointBodyFilter extends OncePerRequestFilter {

	private final SaveRequests saves;

	/**
	 * Creates the filter.
	 * @param endpointPath the endpoint's path within the application, such as
	 * {@code /actuator/plugins}, asked for on the first request; null when the endpoint
	 * takes no saves, whose requests are then left alone
	 * @param maxBodySize the largest body read, in bytes; a larger one is refused with 413
	 */
	public PluginsEndpointBodyFilter(Supplier<@Nullable String> endpointPath, long maxBodySize) {
		this.saves = new SaveRequests(endpointPath, maxBodySize);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.saves.isWrite(request.getMethod(), path(request));
	}

	private static String path(HttpServletRequest request) {
		return request.getRequestURI().substring(request.getContextPath().length());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		HttpServletResponse answer = new RetryAfterResponse(response);
		if (!this.saves.isSave(request.getMethod(), path(request), request.getContentType())) {
			chain.doFilter(request, answer);
			return;
		}
		long declared = request.getContentLengthLong();
		byte[] body = (declared <= this.saves.maxBodySize()) ? read(request.getInputStream()) : null;
		if (body == null) {
			response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, this.saves.tooLarge());
			return;
		}
		byte[] rewritten;
		try {
			rewritten = ConfigObjectBody.rewrite(body);
		}
		catch (ConfigObjectBody.Refused ex) {
			byte[] refusal = ConfigObjectBody.badRequest(ex.getMessage());
			response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.setContentLength(refusal.length);
			response.getOutputStream().write(refusal);
			return;
		}
		chain.doFilter(new BodyRequest(request, rewritten), answer);
	}

	/** The whole body, or null when it is larger than the limit. */
	private byte @Nullable [] read(InputStream in) throws IOException {
		// One byte over the limit tells; the limit is at most 1 GiB, an int.
		byte[] body = in.readNBytes((int) this.saves.maxBodySize() + 1);
		return (body.length > this.saves.maxBodySize()) ? null : body;
	}

	/** Adds {@code Retry-After} to a 503: the store could not write now, and may later. */
	private static final class RetryAfterResponse extends HttpServletResponseWrapper {

		RetryAfterResponse(HttpServletResponse response) {
			super(response);
		}

		@Override
		public void setStatus(int status) {
			retryAfter(status);
			super.setStatus(status);
		}

		@Override
		public void sendError(int status, String message) throws IOException {
			retryAfter(status);
			super.sendError(status, message);
		}

		@Override
		public void sendError(int status) throws IOException {
			retryAfter(status);
			super.sendError(status);
		}

		private void retryAfter(int status) {
			if (status == SC_SERVICE_UNAVAILABLE) {
				setHeader(HttpHeaders.RETRY_AFTER, SaveRequests.RETRY_AFTER_SECONDS);
			}
		}

	}

	/** The request with another body, its length headers to match. */
	private static final class BodyRequest extends HttpServletRequestWrapper {

		private final byte[] body;

		BodyRequest(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = Objects.requireNonNull(body);
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] b, int off, int len) {
					return in.read(b, off, len);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("The body is already read");
				}

			};
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

		@Override
		public @Nullable String getHeader(String name) {
			return HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name) ? String.valueOf(this.body.length)
					: super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)
					? Collections.enumeration(java.util.List.of(String.valueOf(this.body.length)))
					: super.getHeaders(name);
		}

	}

}
