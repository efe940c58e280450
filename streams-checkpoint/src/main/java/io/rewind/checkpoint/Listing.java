package io.rewind.checkpoint;

/**
 * One queue of a cluster snapshot: a claim that every edit of it with write time below bound is
 * acknowledged.
 */
public record Listing(QueueKey queue, long bound) {}
