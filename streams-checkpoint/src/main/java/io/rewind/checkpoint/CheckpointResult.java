package io.rewind.checkpoint;

/**
 * One computed checkpoint C.
 *
 * @param time C in epoch millis, inclusive: every edit with write time at or before it is archived
 * @param heldBy the queue whose contribution bounds C, or null when the membership guard or the
 *     absence of queues does
 * @param rule which rule bounds C (one of the {@code RULE_*} names of {@link CheckpointRules})
 * @param decreased true when C is lower than the previously computed C: a broken promise
 * @param queueCount the queues known when C was computed
 */
public record CheckpointResult(
    long time, QueueKey heldBy, String rule, boolean decreased, int queueCount) {}
