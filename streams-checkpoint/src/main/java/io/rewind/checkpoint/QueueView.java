package io.rewind.checkpoint;

/**
 * One row of the per-queue table.
 *
 * @param contribution the queue's lower bound on C (before the 1 ms), or null while it blocks
 *     publication for want of any known bound
 * @param rule the rule giving the contribution
 * @param lastMarkerSendTime the newest send time of a marker for the queue, or null
 * @param removalPending true when a removal claim waits to become effective
 */
public record QueueView(
    QueueKey queue,
    Long contribution,
    String rule,
    Long lastMarkerSendTime,
    boolean removalPending) {}
