package io.rewind.store.point;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The restore points of a store ({@code restore-points/<name>.json}). */
public final class RestorePoints {

  private static final Logger LOG = LoggerFactory.getLogger(RestorePoints.class);

  public static final String DIR = "restore-points";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final ObjectStore store;

  public RestorePoints(ObjectStore store) {
    this.store = store;
  }

  /**
   * Refuses a name that cannot be a key: letters, digits, '.', '_' and '-', at most 128, not
   * starting with a sign.
   */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new RewindException(
          Kind.REFUSED,
          "restore point name '"
              + name
              + "' is not allowed: use 1 to 128 letters, digits, '.', '_'"
              + " or '-', starting with a letter or digit (e.g. before-migration-42)");
    }
    return name;
  }

  public static String key(String name) {
    return DIR + "/" + checkName(name) + ".json";
  }

  /**
   * Commits a point; false when one of that name exists (a point is written once, by a conditional
   * create).
   */
  public boolean commit(RestorePoint point) throws IOException {
    return store.writeIfVersion(key(point.name), SelfChecksummedJson.encode(point), null);
  }

  public Optional<RestorePoint> read(String name) throws IOException {
    try {
      Optional<RestorePoint> p =
          SelfChecksummedJson.decode(store.read(key(name)), RestorePoint.class);
      if (p.isEmpty()) {
        throw new IOException(
            store.path(key(name))
                + " is torn or tampered with (its checksum does not match): delete it with"
                + " `rewind restore-point delete --name "
                + name
                + "` and create it again");
      }
      return p;
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Every point, oldest first; a torn one is skipped and logged. */
  public List<RestorePoint> all() throws IOException {
    List<RestorePoint> points = new ArrayList<>();
    for (FileStatus s : store.list(DIR)) {
      String file = s.getPath().getName();
      if (!file.endsWith(".json") || file.startsWith(".")) {
        continue;
      }
      try {
        Optional<RestorePoint> p =
            SelfChecksummedJson.decode(store.read(DIR + "/" + file), RestorePoint.class);
        if (p.isPresent()) {
          points.add(p.get());
        } else {
          LOG.warn(
              "{}/{} is torn or tampered with: skipped (retention does not keep what it needs)",
              DIR,
              file);
        }
      } catch (FileNotFoundException e) {
        // deleted meanwhile
      }
    }
    points.sort(
        (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : a.name.compareTo(b.name));
    return points;
  }

  /** Deletes a point: retention no longer keeps what it needs. False when there was none. */
  public boolean delete(String name) throws IOException {
    return store.delete(key(name));
  }
}
