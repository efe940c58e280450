package io.rewind.producer;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/**
 * Kafka did not acknowledge a batch or a claim: nothing may be assumed durable; the caller retries
 * the batch.
 */
public class PublishFailedException extends RewindException {
  private static final long serialVersionUID = 1L;

  public PublishFailedException(String message, Throwable cause) {
    super(Kind.FAILED, message, cause);
  }
}
