package io.rewind.monitoring;

/**
 * A bulk-load marker seen on the progress topic: a bulk load the endpoint could not capture, so its
 * data is not in the backup; {@code reason} says why and what to do (empty from endpoints older
 * than capture).
 */
public record BulkLoadMarker(
    String queue, String publisher, long brokerTime, String brokerTimeIso, String reason) {}
