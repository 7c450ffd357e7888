package com.flashkey.catalog.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Failure paths that are hard to provoke over HTTP: a concurrent change, an outage, a bug. */
class ProblemHandlerTests {

    private final ProblemHandler handler = new ProblemHandler();

    @Test
    void whenAChangeLosesAnOptimisticLockRaceThen409Conflict() {
        ResponseEntity<ProblemDetail> answer = handler.concurrentUpdate(new OptimisticLockingFailureException("v3"));
        assertThat(answer.getStatusCode().value()).isEqualTo(409);
        assertThat(answer.getBody().getType()).hasToString("https://flashkey.dev/problems/conflict");
    }

    @Test
    void whenTheDatabaseIsDownOrSlowThen503UnavailableWithRetryAfter() {
        for (Exception outage : new Exception[] { new DataAccessResourceFailureException("refused"),
                new TimeoutException("2s") }) {
            ResponseEntity<ProblemDetail> answer = handler.unavailable(outage);
            assertThat(answer.getStatusCode().value()).isEqualTo(503);
            assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
            assertThat(answer.getBody().getType()).hasToString("https://flashkey.dev/problems/unavailable");
        }
    }

    @Test
    void whenSomethingUnexpectedFailsThen500WithoutTheCauseInTheAnswer() {
        ResponseEntity<ProblemDetail> answer = handler.unexpected(new IllegalStateException("secret internals"));
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getDetail()).doesNotContain("secret internals");
        assertThat(answer.getBody().getType()).hasToString("https://flashkey.dev/problems/internal");
    }
}
