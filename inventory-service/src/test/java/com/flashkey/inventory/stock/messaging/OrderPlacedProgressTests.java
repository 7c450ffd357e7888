package com.flashkey.inventory.stock.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** When the order.placed listener counts as having recorded everything appended (the orphan sweep's condition). */
class OrderPlacedProgressTests {

    private static final TopicPartition P0 = new TopicPartition("order.placed", 0);
    private static final TopicPartition P1 = new TopicPartition("order.placed", 1);

    private static ListOffsetsResultInfo end(long offset) {
        return new ListOffsetsResultInfo(offset, -1, Optional.empty());
    }

    @Test
    void whenEveryPartitionsCommittedOffsetHasReachedItsEndThenTheListenerIsCaughtUp() {
        assertThat(OrderPlacedProgress.caughtUp(Map.of(P0, end(7), P1, end(3)),
                Map.of(P0, new OffsetAndMetadata(7), P1, new OffsetAndMetadata(3)))).isTrue();
    }

    @Test
    void whenOnePartitionIsBehindThenTheListenerIsNotCaughtUp() {
        assertThat(OrderPlacedProgress.caughtUp(Map.of(P0, end(7), P1, end(3)),
                Map.of(P0, new OffsetAndMetadata(7), P1, new OffsetAndMetadata(2)))).isFalse();
    }

    @Test
    void whenAPartitionHasRecordsButTheGroupNeverCommittedOnItThenTheListenerIsNotCaughtUp() {
        assertThat(OrderPlacedProgress.caughtUp(Map.of(P0, end(7), P1, end(1)), Map.of(P0, new OffsetAndMetadata(7))))
                .isFalse();
    }

    @Test
    void whenAPartitionWasNeverWrittenToThenItNeedsNoCommittedOffset() {
        assertThat(OrderPlacedProgress.caughtUp(Map.of(P0, end(0), P1, end(4)), Map.of(P1, new OffsetAndMetadata(4))))
                .isTrue();
    }
}
