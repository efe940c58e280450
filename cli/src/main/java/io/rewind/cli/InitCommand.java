package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.store.kafka.TopicCreator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rewind init}: creates Rewind's topics with the settings the design fixes. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Create every missing Rewind topic (edits, progress, tables, archived, checkpoints, control, dlq) with its settings.")
final class InitCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = connection.config();
    try (Admin admin = new KafkaClients(config).admin("rewind-init")) {
      List<String> created = new TopicCreator(admin).createMissing(config);
      System.out.println(
          created.isEmpty()
              ? "every Rewind topic exists"
              : "created " + String.join(", ", created));
    }
    return 0;
  }
}
