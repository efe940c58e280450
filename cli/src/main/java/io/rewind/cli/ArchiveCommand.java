package io.rewind.cli;

import io.rewind.archiver.Archiver;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rewind archive}: one archiver of the consumer group; runs until stopped. */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description = "Archive the edits topic into compressed, checksummed segments in the object store (runs until stopped).")
final class ArchiveCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Option(names = "--id", description = "This archiver's id, recorded in its manifests (default: host name and pid).")
  String id;

  @Override
  public Integer call() throws Exception {
    String archiverId = id != null ? id : InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
    try (Archiver archiver = new Archiver(connection.config(), archiverId)) {
      archiver.start();
      LongRunning.awaitShutdown();
    }
    return 0;
  }
}
