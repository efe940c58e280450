package io.rewind.monitoring;

/** A bulk-load marker seen on the progress topic: the loaded files themselves are not in the stream. */
public record BulkLoadMarker(String queue, String publisher, long brokerTime, String brokerTimeIso) {}
