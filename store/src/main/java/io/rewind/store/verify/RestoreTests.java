package io.rewind.store.verify;

import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * Restore-test outcomes in the store: each one kept as its own object, never rewritten, and the
 * newest also as {@code latest.json} (written with a backup copy first, like the checkpoint file),
 * so that {@code rewind status} reads one small object however many tests ran.
 *
 * <pre>
 * verify/restore-tests/&lt;startedAt, 13 digits&gt;-&lt;id&gt;.json
 * verify/restore-tests/latest.json (+ latest.backup.json)
 * </pre>
 */
public final class RestoreTests {

  public static final String DIR = "verify/restore-tests";
  static final String LATEST = DIR + "/latest.json";
  static final String LATEST_BACKUP = DIR + "/latest.backup.json";

  private RestoreTests() {}

  public static String key(RestoreTestRecord r) {
    return String.format(Locale.ROOT, "%s/%013d-%s.json", DIR, r.startedAt, r.id);
  }

  /** Records an outcome: its own object, then the latest pointer (backup copy first). */
  public static void record(ObjectStore store, RestoreTestRecord r) throws IOException {
    byte[] bytes = SelfChecksummedJson.encode(r);
    store.write(key(r), bytes);
    store.write(LATEST_BACKUP, bytes);
    store.write(LATEST, bytes);
  }

  /** The newest outcome recorded, or empty when no restore test ran against this store. */
  public static Optional<RestoreTestRecord> latest(ObjectStore store) throws IOException {
    Optional<RestoreTestRecord> main = read(store, LATEST);
    Optional<RestoreTestRecord> backup = read(store, LATEST_BACKUP);
    if (main.isPresent() && backup.isPresent()) {
      return main.get().startedAt >= backup.get().startedAt ? main : backup;
    }
    return main.isPresent() ? main : backup;
  }

  private static Optional<RestoreTestRecord> read(ObjectStore store, String key)
      throws IOException {
    try {
      return SelfChecksummedJson.decode(store.read(key), RestoreTestRecord.class);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }
}
