package io.rewind.endpointit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RegionServer jar holds what the endpoint and the master observer need on HBase 2.6.1's own
 * classpath, and nothing else: nothing missing (jdeps), every Rewind class in it reachable from the
 * two, the libraries relocated with their service files, every class runnable on Java 11.
 */
class RegionServerJarTest {

  private static final List<String> ENTRY_POINTS =
      List.of(
          "io.rewind.producer.hbase.KafkaBackupEndpoint",
          "io.rewind.producer.hbase.BackupMasterObserver");

  /**
   * The libraries the jar carries relocated: none of their original packages may be left, in
   * classes or service files.
   */
  private static final List<String> RELOCATED =
      List.of(
          "org.apache.kafka",
          "org.apache.avro",
          "com.fasterxml.jackson",
          "net.jpountz",
          "org.jose4j");

  /**
   * Hadoop 3.4's API that HBase 2.6.1's Hadoop 3.3.5 lacks, used only on paths neither the endpoint
   * nor the observer takes: bulk delete ({@code ObjectStore.deleteAll}: retention and garbage
   * collection) and conditional create ({@code ObjectStore.writeIfVersion}: taking a lease; the
   * endpoint only reads leases).
   */
  private static final List<String> ALLOWED_MISSING =
      List.of(
          "io.rewind.client.store.ObjectStore -> org.apache.hadoop.fs.BulkDelete",
          "io.rewind.client.store.ObjectStore -> org.apache.hadoop.fs.Options$CreateFileOptionKeys");

  private static Path jar;

  /**
   * Every class the jar's classes use, as jdeps resolves them against HBase's classpath: user,
   * used, where ("not found").
   */
  private static List<String[]> uses;

  @BeforeAll
  static void analyse() throws IOException {
    jar = RegionServerJar.shadedJar();
    String report =
        RegionServerJar.jdeps(
            "-verbose:class",
            "-filter:none",
            "--multi-release",
            "11",
            "-cp",
            RegionServerJar.hbaseClasspath(),
            jar.toString());
    uses =
        report
            .lines()
            .filter(
                l ->
                    l.startsWith(" ")
                        && l.contains(" -> ")) // a class's line, not an archive's summary
            .map(
                l ->
                    l.trim()
                        .split(
                            "\\s+",
                            4)) // user, ->, used, where (padding is one space after a long name)
            .map(f -> new String[] {f[0], f[2], f.length > 3 ? f[3].trim() : ""})
            .collect(Collectors.toList());
  }

  @Test
  void nothingItUsesIsMissingFromHBasesOwnClasspath() {
    List<String> missing =
        uses.stream()
            .filter(u -> u[2].equals("not found"))
            .map(u -> u[0] + " -> " + u[1])
            .filter(l -> !ALLOWED_MISSING.contains(l))
            .distinct()
            .collect(Collectors.toList());
    assertThat(missing)
        .as("classes the jar refers to that neither it nor HBase 2.6.1's classpath holds")
        .isEmpty();
  }

  @Test
  void everyRewindClassInItIsReachedFromTheEndpointOrTheObserver() throws IOException {
    Map<String, Set<String>> graph = new HashMap<>();
    uses.forEach(u -> graph.computeIfAbsent(u[0], k -> new HashSet<>()).add(u[1]));
    Set<String> reached = new HashSet<>(ENTRY_POINTS);
    Deque<String> todo = new ArrayDeque<>(ENTRY_POINTS);
    while (!todo.isEmpty()) {
      for (String used : graph.getOrDefault(todo.pop(), Set.of())) {
        if (reached.add(used)) {
          todo.push(used);
        }
      }
    }

    Set<String> unreached = new TreeSet<>();
    for (String c : classes()) {
      // Avro finds generated records by name from their schemas: the schemas module stays whole.
      if (c.startsWith("io.rewind.")
          && !c.startsWith("io.rewind.shaded.")
          && !c.startsWith("io.rewind.schemas.")
          && !reached.contains(c)) {
        unreached.add(c);
      }
    }
    assertThat(reached)
        .contains("io.rewind.producer.EditPublisher", "io.rewind.client.store.ObjectStore");
    assertThat(unreached)
        .as(
            "Rewind classes in the RegionServer jar that neither the endpoint nor the observer uses")
        .isEmpty();
    assertThat(classes())
        .as("the test kit (fleet simulator, workloads, oracles)")
        .noneMatch(c -> c.startsWith("io.rewind.testkit."));
  }

  @Test
  void librariesAreRelocatedWithTheirServiceFiles() throws IOException {
    List<String> unrelocated =
        uses.stream()
            .filter(u -> RELOCATED.stream().anyMatch(p -> u[1].startsWith(p + ".")))
            .map(u -> u[0] + " -> " + u[1])
            .collect(Collectors.toList());
    assertThat(unrelocated).as("references to a library's original package").isEmpty();

    Set<String> classes = classes();
    try (JarFile j = new JarFile(jar.toFile())) {
      List<JarEntry> services =
          j.stream()
              .filter(e -> e.getName().startsWith("META-INF/services/") && !e.isDirectory())
              .collect(Collectors.toList());
      assertThat(services).isNotEmpty();
      for (JarEntry service : services) {
        String api = service.getName().substring("META-INF/services/".length());
        assertThat(RELOCATED).as("service %s", api).noneMatch(api::startsWith);
        try (InputStream in = j.getInputStream(service)) {
          for (String line :
              new String(in.readAllBytes(), StandardCharsets.UTF_8)
                  .lines()
                  .collect(Collectors.toList())) {
            String provider = line.replaceAll("#.*", "").trim();
            if (!provider.isEmpty()) {
              assertThat(classes).as("provider of %s", api).contains(provider);
            }
          }
        }
      }
    }
  }

  /**
   * The shade plugin rewrites strings that look like relocated names: Kafka's system properties
   * must keep theirs.
   */
  @Test
  void kafkasSystemPropertiesKeepTheirNames() throws IOException {
    List<String> properties =
        List.of(
            "org.apache.kafka.sasl.oauthbearer.allowed.urls",
            "org.apache.kafka.sasl.oauthbearer.allowed.files",
            "org.apache.kafka.disallowed.login.modules",
            "org.apache.kafka.automatic.config.providers");
    Set<String> kept = new TreeSet<>();
    Set<String> renamed = new TreeSet<>();
    try (JarFile j = new JarFile(jar.toFile())) {
      for (JarEntry e :
          j.stream()
              .filter(e -> e.getName().startsWith("io/rewind/shaded/kafka/"))
              .collect(Collectors.toList())) {
        try (InputStream in = j.getInputStream(e)) {
          String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
          for (String p : properties) {
            if (bytes.contains(p)) {
              kept.add(p);
            }
            if (bytes.contains(p.replace("org.apache.kafka.", "io.rewind.shaded.kafka."))) {
              renamed.add(p);
            }
          }
        }
      }
    }
    assertThat(kept).containsExactlyInAnyOrderElementsOf(properties);
    assertThat(renamed).isEmpty();
  }

  @Test
  void everyClassRunsOnJava11() throws IOException {
    List<String> newer = new ArrayList<>();
    try (JarFile j = new JarFile(jar.toFile())) {
      for (JarEntry e :
          j.stream().filter(e -> e.getName().endsWith(".class")).collect(Collectors.toList())) {
        try (DataInputStream in = new DataInputStream(j.getInputStream(e))) {
          in.readInt();
          in.readUnsignedShort();
          int major = in.readUnsignedShort();
          if (major > 55) {
            newer.add(e.getName() + " (class file " + major + ")");
          }
        }
      }
    }
    assertThat(newer).as("classes a Java 11 RegionServer cannot load").isEmpty();
  }

  private static Set<String> classes() throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.stream()
          .map(JarEntry::getName)
          .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
