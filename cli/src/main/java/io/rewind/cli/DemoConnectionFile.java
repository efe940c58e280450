package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $REWIND_HOME/demo.properties}: where a running {@code rewind demo} is (Kafka, the store,
 * the registry, the status page), so that any {@code rewind} subcommand given no connection options
 * talks to it. Written when the demo's stack is up, deleted when the demo exits; it names the
 * demo's pid, and a file whose process is gone (a demo killed with -9) is ignored. Owner-only,
 * because an S3 store's settings carry credentials.
 */
public final class DemoConnectionFile {

  private static final Logger LOG = LoggerFactory.getLogger(DemoConnectionFile.class);
  static final String NAME = "demo.properties";
  static final String PID = "rewind.demo.pid";
  static final String STATUS_URL = "rewind.demo.status.url";

  private DemoConnectionFile() {}

  static Path path() {
    return RewindHome.dir().resolve(NAME);
  }

  /** Writes the settings a client needs to reach the demo's stack; returns the file. */
  public static Path write(RewindConfig config, String statusUrl) throws IOException {
    Map<String, String> values = new TreeMap<>();
    for (String key :
        new String[] {
          RewindConfig.BOOTSTRAP_SERVERS,
          RewindConfig.STORE_URI,
          RewindConfig.REGISTRY_URL,
          RewindConfig.TOPIC_PREFIX,
          RewindConfig.EDITS_PARTITIONS,
          RewindConfig.ARCHIVER_GROUP,
          RewindConfig.CHECKPOINT_APPLICATION_ID
        }) {
      values.put(key, config.get(key));
    }
    config
        .asMap()
        .forEach(
            (k, v) -> {
              // The store's credentials, and with --secure the status role's Kafka credentials and
              // the key ring.
              if (k.startsWith("fs.")
                  || k.startsWith("kafka.")
                  || k.startsWith("segment.encryption.")) {
                values.put(k, v);
              }
            });
    values.put(PID, String.valueOf(ProcessHandle.current().pid()));
    if (statusUrl != null) {
      values.put(STATUS_URL, statusUrl);
    }
    Properties p = new Properties();
    p.putAll(values);
    Path file = path();
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(
          w,
          "written by rewind demo (pid "
              + ProcessHandle.current().pid()
              + "); deleted when it exits");
    }
    return file;
  }

  /** The file of a demo that is still running, if there is one. */
  static Optional<Path> live() {
    Path file = path();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String pid = RewindConfig.readProperties(file).get(PID);
    try {
      if (pid != null
          && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
        return Optional.of(file);
      }
    } catch (NumberFormatException e) {
      // not ours or damaged: ignored like a stale one
    }
    LOG.warn("ignoring {}: the demo that wrote it (pid {}) is no longer running", file, pid);
    return Optional.empty();
  }

  /** Removes the file if this process wrote it (a newer demo may have replaced it). */
  public static void deleteIfOurs(Path file) {
    try {
      if (Files.isRegularFile(file)
          && String.valueOf(ProcessHandle.current().pid())
              .equals(RewindConfig.readProperties(file).get(PID))) {
        Files.delete(file);
      }
    } catch (IOException | IllegalArgumentException | RewindException e) {
      LOG.warn("cannot remove {}: {}; delete it by hand", file, e.getMessage());
    }
  }
}
