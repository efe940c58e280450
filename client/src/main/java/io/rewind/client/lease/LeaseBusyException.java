package io.rewind.client.lease;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Another operation holds a lease this one needs, past the time this one would wait. */
public final class LeaseBusyException extends RewindException {

  private final List<LeaseEntry> holders;

  public LeaseBusyException(
      String operation, Collection<String> resources, List<LeaseEntry> holders, long now) {
    super(
        Kind.BUSY,
        operation
            + " needs "
            + String.join(", ", resources)
            + ", leased by "
            + holders.stream()
                .map(
                    h ->
                        h.describe()
                            + " ("
                            + Math.max(0, (h.expiresAt - now + 999) / 1000)
                            + " s from now; renewed while it runs)"
                            + " holding "
                            + String.join(", ", h.resources))
                .collect(Collectors.joining("; "))
            + ": wait for it to finish, or pass --wait DURATION (lease.wait.ms) to queue behind it");
    this.holders = List.copyOf(holders);
  }

  /** Busy for another reason than a lease (what holds it, and what to do, in the message). */
  public LeaseBusyException(String message) {
    super(Kind.BUSY, message);
    this.holders = List.of();
  }

  public List<LeaseEntry> holders() {
    return holders;
  }
}
