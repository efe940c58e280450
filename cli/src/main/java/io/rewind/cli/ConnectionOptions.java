package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where Rewind's parts are: shared by every subcommand. Options override --config and REWIND_*
 * variables. Given none of them (no --config, -b, --store, --registry-url, --topic-prefix, nor
 * REWIND_BOOTSTRAP_SERVERS / REWIND_STORE_URI), the settings of a running {@code rewind demo} are
 * used ({@link DemoConnectionFile}).
 */
public final class ConnectionOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file with Rewind settings (see docs/operations.md).")
  Path configFile;

  @Option(
      names = {"--bootstrap-servers", "-b"},
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--store",
      paramLabel = "URI",
      description = "Object store root: file:///path or s3a://bucket/prefix.")
  String store;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      description =
          "Full schema registry API URL (…/apis/registry/v2 or /v3); none means single-object encoding.")
  String registryUrl;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      description = "Prefix of Rewind's topics (default: rewind.).")
  String topicPrefix;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any other setting, e.g. --set segment.max.age.ms=500.")
  Map<String, String> settings = new LinkedHashMap<>();

  public RewindConfig config() {
    Map<String, String> overrides = new LinkedHashMap<>(settings);
    put(overrides, RewindConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    put(overrides, RewindConfig.STORE_URI, store);
    put(overrides, RewindConfig.REGISTRY_URL, registryUrl);
    put(overrides, RewindConfig.TOPIC_PREFIX, topicPrefix);
    Path file = configFile;
    if (file == null && !connectionGiven(overrides, System.getenv())) {
      file = DemoConnectionFile.live().orElse(null);
    }
    return RewindConfig.load(file, System.getenv(), overrides);
  }

  /**
   * Whether the command line or the environment says where Kafka or the store is; if neither does,
   * a running demo's settings ({@code $REWIND_HOME/demo.properties}) are used.
   */
  static boolean connectionGiven(Map<String, String> overrides, Map<String, String> env) {
    return overrides.containsKey(RewindConfig.BOOTSTRAP_SERVERS)
        || overrides.containsKey(RewindConfig.STORE_URI)
        || overrides.containsKey(RewindConfig.REGISTRY_URL)
        || overrides.containsKey(RewindConfig.TOPIC_PREFIX)
        || env.containsKey("REWIND_BOOTSTRAP_SERVERS")
        || env.containsKey("REWIND_STORE_URI");
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
