package io.rewind.producer;

/** Kafka did not acknowledge a batch or a claim: nothing may be assumed durable; the caller retries the batch. */
public class PublishFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PublishFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
