package io.rewind.monitoring;

/**
 * One alert: what is wrong, how bad, and what to do.
 *
 * @param id the kind of alert, one of {@link AlertRules#IDS} (stable: metrics and alert rules key
 *     on it)
 * @param severity warning or critical
 * @param subject what it is about (a partition, a group, a queue, a publisher), or null for the
 *     whole pipeline
 * @param reason what was observed, with the numbers
 * @param action what the operator should do
 */
public record Alert(String id, Severity severity, String subject, String reason, String action) {}
