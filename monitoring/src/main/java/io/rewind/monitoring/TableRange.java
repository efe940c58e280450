package io.rewind.monitoring;

/**
 * How far back a table can be restored.
 *
 * @param earliestRestorable the oldest min write time of a committed segment holding the table's edits
 * @param archivedEdits the table's edits in committed segments
 * @param basis how the earliest point was found (until base images exist: the first archived edit)
 */
public record TableRange(String table, long earliestRestorable, String earliestRestorableIso, long archivedEdits, String basis) {}
