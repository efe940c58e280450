package io.rewind.client.store;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests made to the object store, by kind: what an object store bills per request, and where a
 * command's time goes when it touches many small objects. Immutable; {@link #minus} gives what one
 * step made. Serialized as {@code {"get":…,"put":…,"list":…,"head":…,"delete":…,"copy":…}}.
 */
public final class StoreRequests {

  public static final StoreRequests NONE = new StoreRequests(0, 0, 0, 0, 0, 0);

  // S3A's IOStatistics counter names (hadoop-aws 3.4:
  // org.apache.hadoop.fs.statistics.StoreStatisticNames).
  static final String S3A_GET = "action_http_get_request";
  static final String S3A_PUT = "object_put_request";
  static final String S3A_LIST = "object_list_request";
  static final String S3A_LIST_CONTINUED = "object_continue_list_request";
  static final String S3A_HEAD = "action_http_head_request";
  static final String S3A_DELETE = "object_delete_request";
  static final String S3A_BULK_DELETE = "object_bulk_delete_request";
  static final String S3A_COPY = "object_copy_requests";

  private final long get;
  private final long put;
  private final long list;
  private final long head;
  private final long delete;
  private final long copy;

  public StoreRequests(long get, long put, long list, long head, long delete, long copy) {
    this.get = get;
    this.put = put;
    this.list = list;
    this.head = head;
    this.delete = delete;
    this.copy = copy;
  }

  /**
   * The requests S3A counted: GETs, PUTs (a multipart upload's initiate and complete requests are
   * not among them), listing pages (S3A lists a key before it creates it), HEADs (S3A looks at an
   * object before it opens or deletes it), DELETEs (a bulk delete of up to 1,000 keys is one) and
   * server-side copies.
   */
  public static StoreRequests ofS3aCounters(Map<String, Long> counters) {
    return new StoreRequests(
        counters.getOrDefault(S3A_GET, 0L),
        counters.getOrDefault(S3A_PUT, 0L),
        counters.getOrDefault(S3A_LIST, 0L) + counters.getOrDefault(S3A_LIST_CONTINUED, 0L),
        counters.getOrDefault(S3A_HEAD, 0L),
        counters.getOrDefault(S3A_DELETE, 0L) + counters.getOrDefault(S3A_BULK_DELETE, 0L),
        counters.getOrDefault(S3A_COPY, 0L));
  }

  public long get() {
    return get;
  }

  public long put() {
    return put;
  }

  public long list() {
    return list;
  }

  public long head() {
    return head;
  }

  public long delete() {
    return delete;
  }

  public long copy() {
    return copy;
  }

  public long total() {
    return get + put + list + head + delete + copy;
  }

  /** What was made since {@code before} was taken from the same store. */
  public StoreRequests minus(StoreRequests before) {
    return new StoreRequests(
        get - before.get,
        put - before.put,
        list - before.list,
        head - before.head,
        delete - before.delete,
        copy - before.copy);
  }

  public StoreRequests plus(StoreRequests other) {
    return new StoreRequests(
        get + other.get,
        put + other.put,
        list + other.list,
        head + other.head,
        delete + other.delete,
        copy + other.copy);
  }

  /** The JSON object, in this order: get, put, list, head, delete, copy. */
  @JsonValue
  public Map<String, Long> toMap() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("get", get);
    m.put("put", put);
    m.put("list", list);
    m.put("head", head);
    m.put("delete", delete);
    m.put("copy", copy);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StoreRequests)) {
      return false;
    }
    StoreRequests r = (StoreRequests) o;
    return get == r.get
        && put == r.put
        && list == r.list
        && head == r.head
        && delete == r.delete
        && copy == r.copy;
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return "get="
        + get
        + " put="
        + put
        + " list="
        + list
        + " head="
        + head
        + " delete="
        + delete
        + " copy="
        + copy;
  }
}
