package io.rewind.monitoring;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/** The status cannot be collected: no broker answered. */
public final class KafkaUnreachableException extends RewindException {
  private static final long serialVersionUID = 1L;

  KafkaUnreachableException(String bootstrapServers, long timeoutMs, Throwable cause) {
    super(
        Kind.FAILED,
        "cannot reach Kafka at "
            + bootstrapServers
            + " within "
            + timeoutMs
            + " ms ("
            + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())
            + "): check --bootstrap-servers or --config, or that the demo whose settings are used is still running",
        cause);
  }
}
