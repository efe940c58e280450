package io.rewind.stack;

import io.rewind.client.config.RewindConfig;
import java.util.Optional;

/**
 * The running parts a Rewind deployment needs (Kafka, an object store, optionally a schema
 * registry), as tests and the demo see them. {@link EmbeddedStack} runs them on this machine's
 * loopback interface; other implementations (containers) expose the same view.
 */
public interface RewindStack extends AutoCloseable {

  /** The Kafka bootstrap servers, {@code 127.0.0.1:<port>} for the embedded stack. */
  String bootstrapServers();

  /** The object-store root as a Hadoop FileSystem URI, {@code file:///<workdir>/store} embedded. */
  String storeUri();

  /** The registry's full API URL, when the stack was started with one. */
  Optional<String> registryUrl();

  /**
   * A configuration pointing at this stack (bootstrap.servers, store.uri, registry.url,
   * edits.partitions set); every Rewind topic already exists.
   */
  RewindConfig config();

  /** Stops everything this stack started; calling it again does nothing. */
  @Override
  void close();
}
