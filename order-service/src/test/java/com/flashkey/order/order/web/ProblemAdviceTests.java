package com.flashkey.order.order.web;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.netty.channel.AbortedException;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that hangs up is not a failure of ours: no ERROR, no answer; anything else stays a logged 500. */
class ProblemAdviceTests {

    private final ProblemAdvice advice = new ProblemAdvice();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ProblemAdvice.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logged);
    }

    @Test
    void whenTheClientHangsUpThenNothingIsAnsweredAndNothingIsLoggedAsAnError() {
        for (Exception hangUp : new Exception[] { new AbortedException("Connection has been closed BEFORE send operation"),
                new IllegalStateException("write failed", new IOException("Connection reset by peer")),
                new IOException("Broken pipe"), new IllegalStateException(new ClosedChannelException()) }) {
            assertThat(advice.unexpected(hangUp).blockOptional()).as("%s", hangUp).isEmpty();
        }
        assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void whenSomethingElseFailsThenItIsAnInternalProblemLoggedAsAnError() {
        ResponseEntity<ProblemDetail> answer = advice.unexpected(new IllegalStateException("bug")).block();
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getType().toString()).isEqualTo("https://flashkey.dev/problems/internal");
        assertThat(logged.list).anyMatch(e -> e.getLevel() == Level.ERROR);
    }
}
