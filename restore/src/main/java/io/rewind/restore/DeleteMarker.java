package io.rewind.restore;

import io.rewind.schemas.CellType;

/**
 * A delete marker of a restored row, with its original type and timestamp: DELETE (one version) and
 * DELETE_FAMILY_VERSION mask exactly their timestamp, DELETE_COLUMN and DELETE_FAMILY every version
 * at or below it. The qualifier is empty for family markers.
 */
public record DeleteMarker(byte[] family, byte[] qualifier, long timestamp, CellType type) {}
