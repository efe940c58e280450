package io.rewind.monitoring;

/**
 * How far back a table can be restored.
 *
 * @param earliestRestorable the oldest base's completion when the table has bases, else the oldest
 *     min write time of a committed segment holding the table's edits
 * @param archivedEdits the table's edits in committed segments
 * @param basis how the earliest point was found
 * @param bases committed bases of the table
 * @param latestBaseIso completion of the newest base, or null without bases
 */
public record TableRange(
    String table,
    long earliestRestorable,
    String earliestRestorableIso,
    long archivedEdits,
    String basis,
    int bases,
    String latestBaseIso) {}
