/** Kafka plumbing the features share: inbound decoding with dead-lettering, the transactional outbox and its relay. */
package com.flashkey.inventory.events;
