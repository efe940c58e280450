package io.rewind.monitoring;

/**
 * The published global checkpoint C and the RPO it gives.
 *
 * @param time C in epoch millis: every edit with write time at or before it is in a committed
 *     segment
 * @param rpoMs now minus C
 * @param heldBy the queue whose contribution bounds C (server/walGroup), or null
 * @param rule the rule that bounds C
 * @param source where it was read: {@code kafka} (the checkpoints topic) or {@code store}
 *     (checkpoints/latest.json)
 */
public record CheckpointState(
    long time,
    String timeIso,
    long computedAt,
    long rpoMs,
    String heldBy,
    String rule,
    int queues,
    boolean decreased,
    String source) {}
