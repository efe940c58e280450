package io.rewind.restore.mapreduce;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.Json;
import io.rewind.restore.TableTimeline;
import io.rewind.schemas.FamilyDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;

/**
 * What the job's tasks need of the restore, carried in the job's configuration: Rewind's settings
 * (the store, its {@code fs.*} credentials, the key ring file, the registry), T, the tables asked
 * for, each table's replay rules at T, the target of each table and its families' settings.
 */
final class JobSettings {

  static final String PREFIX = "rewind.restore.mapreduce.";
  private static final String CONFIG = PREFIX + "config.";
  private static final String TIME = PREFIX + "time";
  private static final String FLOOR = PREFIX + "floor";
  private static final String TABLES = PREFIX + "tables";
  private static final String TOPIC = PREFIX + "topic";
  private static final String RULES = PREFIX + "rules";
  private static final String TARGETS = PREFIX + "targets";
  private static final String FAMILIES = PREFIX + "families";
  private static final String BULK_LOADS = PREFIX + "bulkloads";

  /**
   * The planned segments, a local file of the driver: splits are computed where the job is
   * submitted.
   */
  static final String PLAN_FILE = PREFIX + "plan.file";

  private JobSettings() {}

  static void write(
      Configuration conf,
      RewindConfig config,
      long time,
      long floor,
      Set<String> tables,
      String topic,
      Map<String, TableTimeline.TableAtTime> tablesAt,
      Map<String, String> targets,
      Map<String, Map<String, FamilyDescriptor>> families,
      Set<String> bulkLoadsPlanned) {
    conf.setStrings(BULK_LOADS, bulkLoadsPlanned.toArray(new String[0]));
    config.asMap().forEach((k, v) -> conf.set(CONFIG + k, v));
    conf.setLong(TIME, time);
    conf.setLong(FLOOR, floor);
    conf.set(TABLES, String.join(",", tables));
    conf.set(TOPIC, topic);
    try {
      conf.set(
          RULES,
          Json.MAPPER.writeValueAsString(
              tablesAt.values().stream().map(TableTimeline.TableAtTime::replayRules).toList()));
      conf.set(TARGETS, Json.MAPPER.writeValueAsString(targets));
      Map<String, Map<String, long[]>> settings = new TreeMap<>();
      families.forEach(
          (t, byFamily) -> {
            Map<String, long[]> s = new TreeMap<>();
            byFamily.forEach(
                (f, d) ->
                    s.put(
                        f, new long[] {d.getMaxVersions(), d.getMinVersions(), d.getTtlSeconds()}));
            settings.put(t, s);
          });
      conf.set(FAMILIES, Json.MAPPER.writeValueAsString(settings));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RewindConfig config(Configuration conf) {
    return RewindConfig.of(conf.getPropsWithPrefix(CONFIG));
  }

  static long time(Configuration conf) {
    return conf.getLong(TIME, Long.MIN_VALUE);
  }

  static long floor(Configuration conf) {
    return conf.getLong(FLOOR, Long.MIN_VALUE);
  }

  static Set<String> tables(Configuration conf) {
    Set<String> tables = new TreeSet<>();
    Arrays.stream(conf.get(TABLES, "").split(",")).filter(t -> !t.isEmpty()).forEach(tables::add);
    return tables;
  }

  /** Commit keys of the bulk loads the restore replays. */
  static Set<String> bulkLoadsPlanned(Configuration conf) {
    return new TreeSet<>(conf.getStringCollection(BULK_LOADS));
  }

  static String topic(Configuration conf) {
    return conf.get(TOPIC);
  }

  static Map<String, TableTimeline.TableAtTime> tablesAt(Configuration conf) throws IOException {
    List<TableTimeline.ReplayRules> rules =
        Json.MAPPER.readValue(conf.get(RULES, "[]"), new TypeReference<>() {});
    Map<String, TableTimeline.TableAtTime> at = new HashMap<>();
    rules.forEach(r -> at.put(r.table(), TableTimeline.TableAtTime.of(r)));
    return at;
  }

  static Map<String, String> targets(Configuration conf) throws IOException {
    return Json.MAPPER.readValue(
        conf.get(TARGETS, "{}"), new TypeReference<TreeMap<String, String>>() {});
  }

  static Map<String, Map<String, FamilyDescriptor>> families(Configuration conf)
      throws IOException {
    Map<String, Map<String, long[]>> settings =
        Json.MAPPER.readValue(conf.get(FAMILIES, "{}"), new TypeReference<>() {});
    Map<String, Map<String, FamilyDescriptor>> families = new HashMap<>();
    settings.forEach(
        (t, byFamily) -> {
          Map<String, FamilyDescriptor> f = new HashMap<>();
          byFamily.forEach(
              (name, s) ->
                  f.put(
                      name,
                      FamilyDescriptor.newBuilder()
                          .setName(name)
                          .setMaxVersions((int) s[0])
                          .setMinVersions((int) s[1])
                          .setTtlSeconds((int) s[2])
                          .build()));
          families.put(t, f);
        });
    return families;
  }
}
