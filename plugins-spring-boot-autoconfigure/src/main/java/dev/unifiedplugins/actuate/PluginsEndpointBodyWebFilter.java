package dev.unifiedplugins.actuate;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Lets a save to the {@code plugins} endpoint on WebFlux carry its configuration as a JSON
 * object, {@code {"config": {...}}}, as well as JSON text. See
 * {@link PluginsEndpointWebExtension#save}. A body that could not be read at all is a 400
 * saying why (see {@link ConfigObjectBody}). Its 503 answers to writes (a busy plugin, a
 * failed store) carry {@code Retry-After}.
 */
public class PluginsEndpointBodyWebFilter implements WebFilter {

	private final SaveRequests saves;

	/**
	 * Creates the filter.
	 * @param endpointPath the endpoint's path within the application, such as
	 * {@code /actuator/plugins}, asked for on the first request; null when the endpoint
	 * takes no saves, whose requests are then left alone
	 * @param maxBodySize the largest body read, in bytes; a larger one is refused with 413
	 */
	public PluginsEndpointBodyWebFilter(Supplier<@Nullable String> endpointPath, long maxBodySize) {
		this.saves = new SaveRequests(endpointPath, maxBodySize);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		String path = request.getPath().pathWithinApplication().value();
		if (this.saves.isWrite(request.getMethod().name(), path)) {
			ServerHttpResponse response = exchange.getResponse();
			response.beforeCommit(() -> {
				if (HttpStatus.SERVICE_UNAVAILABLE.equals(response.getStatusCode())) {
					response.getHeaders().set(HttpHeaders.RETRY_AFTER, SaveRequests.RETRY_AFTER_SECONDS);
				}
				return Mono.empty();
			});
		}
		if (!this.saves.isSave(request.getMethod().name(), path,
				headers.getFirst(HttpHeaders.CONTENT_TYPE))) {
			return chain.filter(exchange);
		}
		return DataBufferUtils.join(request.getBody(), (int) Math.min(this.saves.maxBodySize(), Integer.MAX_VALUE))
			.map(PluginsEndpointBodyWebFilter::bytes)
			.defaultIfEmpty(new byte[0])
			.onErrorMap(DataBufferLimitException.class,
					(ex) -> new ResponseStatusException(HttpStatus.PAYLOAD_TOO_LARGE, this.saves.tooLarge()))
			.flatMap((body) -> {
				byte[] rewritten;
				try {
					rewritten = ConfigObjectBody.rewrite(body);
				}
				catch (ConfigObjectBody.Refused ex) {
					return badRequest(exchange.getResponse(), ex.getMessage());
				}
				return chain.filter(exchange.mutate().request(withBody(exchange, rewritten)).build());
			});
	}

	private static Mono<Void> badRequest(ServerHttpResponse response, String message) {
		byte[] refusal = ConfigObjectBody.badRequest(message);
		response.setStatusCode(HttpStatus.BAD_REQUEST);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		response.getHeaders().setContentLength(refusal.length);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(refusal)));
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private static ServerHttpRequest withBody(ServerWebExchange exchange, byte[] body) {
		HttpHeaders headers = new HttpHeaders();
		headers.putAll(exchange.getRequest().getHeaders());
		headers.setContentLength(body.length);
		return new ServerHttpRequestDecorator(exchange.getRequest()) {

			@Override
			public HttpHeaders getHeaders() {
				return headers;
			}

			@Override
			public Flux<DataBuffer> getBody() {
				return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
			}

		};
	}

}
