package io.rewind.monitoring;

/**
 * Clock skew of one progress publisher: broker append time (LogAppendTime) minus the publisher's
 * send time, over the recent records. The delivery delay only adds to it, so the minimum is the
 * best estimate of the clock offset (the filter NTP uses); the maximum includes the delay.
 *
 * @param estimatedSkewMs the minimum, the estimated offset: positive when the publisher's clock is
 *     behind
 */
public record PublisherSkew(
    String publisher,
    int samples,
    long estimatedSkewMs,
    long maxSkewMs,
    long lastSkewMs,
    long lastSeen) {}
