package io.rewind.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** A JVM that starts a child and exits without closing it: only the shutdown hook can stop it. */
public final class LeavesChildRunning {

  private LeavesChildRunning() {}

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[0]);
    ChildProcess child =
        ChildProcess.start(
            "orphan candidate", List.of("sleep", "60"), dir, dir.resolve("sleep.log"));
    Files.writeString(dir.resolve("pid"), Long.toString(child.pid()));
    System.exit(0);
  }
}
