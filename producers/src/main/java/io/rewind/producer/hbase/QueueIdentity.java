package io.rewind.producer.hbase;

import io.rewind.schemas.QueueId;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a replication queue is named, from what HBase 2.6 shows: a WAL's name is its group's prefix
 * (the URL-encoded name of the server that created it, {@code host%2Cport%2Cstartcode}, plus a
 * {@code .group} part under multiwal) followed by {@code .<creation time in ms>}. The WAL group id
 * that {@code ReplicateContext.getWalGroupId()} gives is that prefix, so a queue's identity
 * (originating server with start code, WAL group) is the same on the server that created it, on the
 * survivor that claimed it, and in the queue storage: it survives a claim. Pure.
 */
public final class QueueIdentity {

  /** Suffix of hbase:meta's WALs: never in a replication queue of a user peer. */
  static final String META_WAL_SUFFIX = ".meta";

  private static final Pattern SERVER = Pattern.compile("^(.+?,\\d+,\\d+)(\\..*)?$");
  private static final Pattern WAL_NAME = Pattern.compile("^(.+)\\.(\\d+)$");

  private QueueIdentity() {}

  /**
   * The queue shipping a WAL group: server = the decoded originating server, walGroup = the group
   * id as given.
   */
  public static QueueId ofWalGroup(String walGroupId) {
    return QueueId.newBuilder()
        .setServer(originatingServer(walGroupId))
        .setWalGroup(walGroupId)
        .build();
  }

  /** {@code host,port,startcode} of the server that created the group's WALs. */
  public static String originatingServer(String walGroupId) {
    String decoded = URLDecoder.decode(walGroupId, StandardCharsets.UTF_8);
    Matcher m = SERVER.matcher(decoded);
    return m.matches() ? m.group(1) : decoded;
  }

  /** The WAL group (prefix) of a WAL file name, as HBase derives it. */
  public static String walGroupOf(String walName) {
    return parse(walName).group(1);
  }

  /** The WAL's creation time, epoch ms: the suffix of its name. */
  public static long walStartTime(String walName) {
    return Long.parseLong(parse(walName).group(2));
  }

  /** True for WALs of hbase:meta, which user peers never ship. */
  public static boolean isMetaWal(String walName) {
    return walName.endsWith(META_WAL_SUFFIX);
  }

  /**
   * Whether a queue id of the queue storage belongs to the peer: the peer's own queue has the peer
   * id; a claimed one has {@code <peer id>-<dead server>[-<dead server>...]}.
   */
  public static boolean belongsToPeer(String queueId, String peerId) {
    return queueId.equals(peerId) || queueId.startsWith(peerId + "-");
  }

  /** True for a queue claimed from a dead server (its id names that server). */
  public static boolean isRecovered(String queueId, String peerId) {
    return !queueId.equals(peerId) && belongsToPeer(queueId, peerId);
  }

  private static Matcher parse(String walName) {
    Matcher m = WAL_NAME.matcher(walName);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + walName
              + "' is not a WAL name of the form <prefix>.<creation time in ms>: is the WAL provider one HBase 2.6 ships?");
    }
    return m;
  }
}
