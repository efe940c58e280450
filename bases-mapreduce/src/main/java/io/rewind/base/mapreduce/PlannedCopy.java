package io.rewind.base.mapreduce;

import io.rewind.base.BaseCopyEngine;
import io.rewind.core.base.BaseFile;

/** One file of a base to bring into the store: its index in the base, its planned entry, and where HBase holds it. */
record PlannedCopy(int index, BaseFile entry, BaseCopyEngine.Source source) {}
