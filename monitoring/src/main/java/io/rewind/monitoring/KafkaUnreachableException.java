package io.rewind.monitoring;

/** The status cannot be collected: no broker answered. */
public final class KafkaUnreachableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  KafkaUnreachableException(String bootstrapServers, long timeoutMs, Throwable cause) {
    super("cannot reach Kafka at " + bootstrapServers + " within " + timeoutMs + " ms ("
        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())
        + "): check --bootstrap-servers or --config, or that the demo whose settings are used is still running", cause);
  }
}
