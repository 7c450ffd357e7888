package com.flashkey.order.order.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;

import com.flashkey.order.order.OrderPlacement;
import com.flashkey.order.order.PlaceOrder;
import com.flashkey.order.order.PlacedOrder;
import com.flashkey.order.order.PlacementAnswer;

/**
 * {@code POST /api/orders} ({@link OrderRoutes}): the body read with the application's mapper, checked by hand with
 * the rules and problems the annotated endpoint had, and the answer (202 order or 409 refusal) written as bytes from
 * writers prepared once. Failures of the placement (422, 503, 404, ...) propagate to {@link ProblemAdvice}, which
 * answers functional endpoints too.
 * <p>
 * The placement's answer arrives on whichever thread completed its last remote call (Lettuce's one I/O thread, the
 * Kafka producer's, an HTTP client loop); it is taken back to the request's event loop ({@link RequestEventLoop})
 * before anything is rendered or written.
 */
@Component
class PlaceOrderHandler {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final int MAX_KEY = 100;
    private static final String KEY = "[A-Za-z0-9_.:-]+";
    private static final Pattern KEY_PATTERN = Pattern.compile(KEY);

    /** As the codecs' default {@code max-in-memory-size}, which bounded the annotated endpoint's body. */
    private static final int MAX_BODY = 256 * 1024;

    private final OrderPlacement placement;
    private final ObjectReader requestJson;
    private final ObjectWriter acceptedJson;
    private final ObjectWriter refusalJson;

    /** {@code json}: the application's mapper, the one the codecs read and write with. */
    PlaceOrderHandler(OrderPlacement placement, JsonMapper json) {
        this.placement = placement;
        this.requestJson = json.readerFor(PlaceOrderRequest.class);
        this.acceptedJson = json.writerFor(PlacedOrder.class);
        this.refusalJson = json.writerFor(RefusalProblem.class);
    }

    Mono<ServerResponse> placeOrder(ServerRequest request) {
        List<String> keys = request.headers().header(IDEMPOTENCY_KEY);
        if (keys.isEmpty()) {
            return problem(request, Problems.missing(IDEMPOTENCY_KEY));
        }
        // Several headers read as one comma-joined value, as a String parameter bound them (and are refused).
        String key = keys.size() == 1 ? keys.get(0) : String.join(",", keys);
        if (!readable(request.headers().contentType().orElse(null))) {
            ProblemDetail unsupported = Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, Problems.VALIDATION,
                    "the request's content type is not supported");
            unsupported.setProperty("errors",
                    List.of(Problems.fieldError(HttpHeaders.CONTENT_TYPE, "must be application/json")));
            return problem(request, unsupported);
        }
        Scheduler loop = RequestEventLoop.of(request.exchange());
        return DataBufferUtils.join(request.exchange().getRequest().getBody(), MAX_BODY)
                .onErrorMap(DataBufferLimitException.class, ex -> new ServerWebInputException(Problems.UNREADABLE))
                .flatMap(this::read)
                .switchIfEmpty(Mono.error(() -> new ServerWebInputException(Problems.UNREADABLE)))
                .flatMap(body -> {
                    List<Map<String, String>> errors = new ArrayList<>(0);
                    addKeyViolations(key, errors);
                    body.addViolations(errors);
                    if (!errors.isEmpty()) {
                        return problem(request, Problems.invalid(Problems.INVALID, errors));
                    }
                    Locale locale = request.headers().asHttpHeaders().getAcceptLanguageAsLocales().stream().findFirst()
                            .orElse(Locale.ENGLISH);
                    PlaceOrder command = new PlaceOrder(body.sku(), body.quantity(), body.email(),
                            locale.toLanguageTag(), key, body.phone());
                    // A refusal is an answer, not an exception: no stack trace and no exception handling per
                    // sold-out buyer. Errors hop too, so the advice answers them on the loop as well.
                    return placement.placeOrder(command).publishOn(loop).flatMap(answer -> answer(request, answer));
                });
    }

    private Mono<PlaceOrderRequest> read(DataBuffer buffer) {
        try (InputStream in = buffer.asInputStream(true)) {
            // null for a body of "null": empty, then refused as unreadable like a missing body.
            return Mono.justOrEmpty(requestJson.<PlaceOrderRequest>readValue(in));
        }
        catch (JacksonException | IOException ex) {
            return Mono.error(new ServerWebInputException(Problems.UNREADABLE, null, ex));
        }
    }

    private Mono<ServerResponse> answer(ServerRequest request, PlacementAnswer answer) {
        if (answer.accepted() != null) {
            return bytes(HttpStatus.ACCEPTED, MediaType.APPLICATION_JSON,
                    acceptedJson.writeValueAsBytes(answer.accepted()));
        }
        RefusalProblem refusal = new RefusalProblem(answer.detail(), request.exchange().getRequest().getPath().value(),
                HttpStatus.CONFLICT.value(), HttpStatus.CONFLICT.getReasonPhrase(),
                Problems.type(answer.rejection().code()));
        return bytes(HttpStatus.CONFLICT, MediaType.APPLICATION_PROBLEM_JSON, refusalJson.writeValueAsBytes(refusal));
    }

    private static Mono<ServerResponse> bytes(HttpStatus status, MediaType type, byte[] body) {
        return ServerResponse.status(status).contentType(type).contentLength(body.length)
                .body((message, context) -> message.writeWith(Mono.just(message.bufferFactory().wrap(body))));
    }

    /** A problem through the codecs, as the advice writes it; the instance is the request's path, as there. */
    private static Mono<ServerResponse> problem(ServerRequest request, ProblemDetail problem) {
        problem.setInstance(URI.create(request.exchange().getRequest().getPath().value()));
        return ServerResponse.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem);
    }

    /** As the JSON decoder reads: {@code application/json} and {@code application/*+json}, any charset. */
    private static boolean readable(MediaType type) {
        return type != null && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
                || "application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
    }

    /** The header's rules, with Hibernate Validator's messages for @Pattern and @Size(min = 1, max = 100). */
    private static void addKeyViolations(String key, List<Map<String, String>> errors) {
        if (!KEY_PATTERN.matcher(key).matches()) {
            errors.add(Problems.fieldError(IDEMPOTENCY_KEY, "must match \"" + KEY + "\""));
        }
        if (key.isEmpty() || key.length() > MAX_KEY) {
            errors.add(Problems.fieldError(IDEMPOTENCY_KEY, "size must be between 1 and " + MAX_KEY));
        }
    }

    /** The body of a 409 refusal: a problem of fixed shape, in the order the codecs wrote ProblemDetail. */
    @JsonPropertyOrder({ "detail", "instance", "status", "title", "type" })
    record RefusalProblem(String detail, String instance, int status, String title, String type) {
    }
}
