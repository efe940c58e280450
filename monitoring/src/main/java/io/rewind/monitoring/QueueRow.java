package io.rewind.monitoring;

/**
 * One replication queue in the checkpoint app's per-queue table.
 *
 * @param queue server/walGroup
 * @param contribution the queue's lower bound on C, or null while it blocks publication
 * @param rule the rule giving the contribution
 * @param lastMarkerAgeMs now minus the send time of the queue's newest marker, or null when none
 *     came
 * @param holdsCheckpoint true for the queue that bounds C
 */
public record QueueRow(
    String queue,
    String server,
    String walGroup,
    Long contribution,
    String contributionIso,
    String rule,
    Long lastMarkerSendTime,
    Long lastMarkerAgeMs,
    long updatedAt,
    boolean holdsCheckpoint) {}
