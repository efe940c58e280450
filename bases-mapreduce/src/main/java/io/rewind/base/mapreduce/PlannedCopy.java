package io.rewind.base.mapreduce;

import io.rewind.base.BaseImageCopyEngine;
import io.rewind.client.base.BaseImageFile;

/**
 * One file of a base to bring into the store: its index in the base, its planned entry, and where
 * HBase holds it.
 */
record PlannedCopy(int index, BaseImageFile entry, BaseImageCopyEngine.Source source) {}
