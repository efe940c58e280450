package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rewind.cli.Rewind;
import io.rewind.client.config.RewindConfig;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.s3a.Constants;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml cannot drift from the code: Docker's own parser accepts it (no engine needed),
 * and every Rewind service's command and REWIND_* variable is one the CLI accepts: the product's
 * CLI for a service built from the image's {@code rewind} target, the CLI with tools/ for one built
 * from its {@code tools} target. Here in tools/ because only here are both at hand.
 */
class ComposeFileTest {

  private static Path root;
  private static JsonNode resolved;

  @BeforeAll
  static void resolveComposeFile() throws Exception {
    root = projectRoot();
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "docker-compose", "-f", root.resolve("docker-compose.yml").toString(), "config")
              .redirectErrorStream(false)
              .start();
    } catch (IOException e) {
      fail(
          "docker-compose is not installed: run scripts/install-deps.sh (Debian's docker-compose package validates"
              + " the file without a Docker engine)",
          e);
      return;
    }
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("docker-compose config: " + err).isZero();
    resolved = new ObjectMapper(new YAMLFactory()).readTree(out);
  }

  @Test
  void composeDefinesTheWholePipeline() {
    List<String> services = new ArrayList<>();
    resolved.get("services").fieldNames().forEachRemaining(services::add);
    assertThat(services)
        .contains(
            "kafka",
            "apicurio",
            "minio",
            "minio-init",
            "hbase",
            "checkpoint",
            "archiver-1",
            "archiver-2",
            "compactor",
            "workload");
  }

  @Test
  void everyRewindServiceRunsACommandTheCliAccepts() {
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = resolved.get("services").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> service = it.next();
      if (!isRewind(service.getValue())) {
        continue;
      }
      List<String> args = new ArrayList<>();
      service.getValue().get("command").forEach(a -> args.add(a.asText()));
      String target = service.getValue().path("build").path("target").asText();
      assertThat(target)
          .as(service.getKey() + " builds from the image's rewind or tools target")
          .isIn("rewind", "tools");
      // The product image has the product's commands only: no ServiceLoader extras there.
      CommandLine cli =
          target.equals("tools") ? Rewind.commandLine() : new CommandLine(new Rewind());
      try {
        CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(new String[0]));
        assertThat(parsed.hasSubcommand())
            .as(service.getKey() + " runs a rewind subcommand")
            .isTrue();
      } catch (CommandLine.ParameterException e) {
        fail(
            "service "
                + service.getKey()
                + " runs `rewind "
                + String.join(" ", args)
                + "`, which the CLI of its image (target "
                + target
                + ") rejects: "
                + e.getMessage());
      }
      checked++;
    }
    assertThat(checked).as("Rewind services found").isGreaterThanOrEqualTo(5);
  }

  @Test
  void everyRewindVariableNamesASettingRewindKnows() {
    for (Iterator<Map.Entry<String, JsonNode>> it = resolved.get("services").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> service = it.next();
      JsonNode env = service.getValue().get("environment");
      if (!isRewind(service.getValue()) || env == null) {
        continue;
      }
      env.fieldNames()
          .forEachRemaining(
              name -> {
                if (name.startsWith("REWIND_")
                    && !name.equals("REWIND_HOME")
                    && !name.equals("REWIND_JAVA_OPTS")) {
                  String key = name.substring("REWIND_".length()).toLowerCase().replace('_', '.');
                  assertThat(RewindConfig.defaults().containsKey(key) || passedThrough(key))
                      .as(
                          service.getKey()
                              + ": "
                              + name
                              + " maps to '"
                              + key
                              + "', which is no Rewind setting, S3A setting or Kafka client setting")
                      .isTrue();
                }
              });
    }
  }

  /**
   * A key Rewind passes through: an S3A setting Hadoop defines (fs.s3a.*), or a Kafka client's
   * setting (kafka.*).
   */
  private static boolean passedThrough(String key) {
    if (key.startsWith("kafka.")) {
      String k = key.substring("kafka.".length());
      return ProducerConfig.configNames().contains(k)
          || ConsumerConfig.configNames().contains(k)
          || AdminClientConfig.configNames().contains(k);
    }
    if (key.startsWith("fs.s3a.")) {
      for (Field f : Constants.class.getFields()) {
        try {
          if (f.getType() == String.class && key.equals(f.get(null))) {
            return true;
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return false;
  }

  private static boolean isRewind(JsonNode service) {
    JsonNode image = service.get("image");
    return image != null && image.asText().startsWith("rewind:");
  }

  static Path projectRoot() {
    String property = System.getProperty("rewind.project.root");
    Path p = property != null ? Path.of(property) : Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("docker-compose.yml"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("cannot find the project root (docker-compose.yml)");
    }
    return p;
  }
}
