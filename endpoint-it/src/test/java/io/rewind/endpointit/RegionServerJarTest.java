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
      List.of("io.rewind.producer.hbase.KafkaBackupEndpoint", "io.rewind.producer.hbase.BackupMasterObserver");
  /** The libraries the jar carries relocated: none of their original packages may be left, in classes or service files. */
  private static final List<String> RELOCATED = List.of("org.apache.kafka", "org.apache.avro", "com.fasterxml.jackson", "net.jpountz", "org.jose4j");
  /**
   * Hadoop 3.4's bulk delete, which HBase 2.6.1's Hadoop 3.3.5 lacks: only {@code ObjectStore.deleteAll}
   * uses it (retention and garbage collection), which neither the endpoint nor the observer calls.
   */
  private static final String ALLOWED_MISSING = "io.rewind.core.store.ObjectStore -> org.apache.hadoop.fs.BulkDelete";

  private static Path jar;
  private static String hbase;

  @BeforeAll
  static void locate() throws IOException {
    jar = RegionServerJar.shadedJar();
    hbase = RegionServerJar.hbaseClasspath();
  }

  @Test
  void nothingItUsesIsMissingFromHBasesOwnClasspath() {
    String report = RegionServerJar.jdeps("--missing-deps", "--multi-release", "11", "-cp", hbase, jar.toString());

    List<String> missing = report.lines()
        .filter(l -> l.startsWith(" ") && l.contains("->") && l.contains("not found")) // a class's line, not the jar's summary
        .map(l -> l.trim().replaceAll("\\s+", " ").replace(" not found", ""))
        .filter(l -> !l.equals(ALLOWED_MISSING))
        .collect(Collectors.toList());
    assertThat(missing).as("classes the jar refers to that neither it nor HBase 2.6.1's classpath holds").isEmpty();
  }

  @Test
  void everyRewindClassInItIsReachedFromTheEndpointOrTheObserver() throws IOException {
    Map<String, Set<String>> uses = new HashMap<>();
    String report = RegionServerJar.jdeps("-verbose:class", "-filter:none", "--multi-release", "11", "-cp", hbase, jar.toString());
    for (String line : report.lines().collect(Collectors.toList())) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[1].equals("->")) {
        uses.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[2]);
      }
    }
    Set<String> reached = new HashSet<>(ENTRY_POINTS);
    Deque<String> todo = new ArrayDeque<>(ENTRY_POINTS);
    while (!todo.isEmpty()) {
      for (String used : uses.getOrDefault(todo.pop(), Set.of())) {
        if (reached.add(used)) {
          todo.push(used);
        }
      }
    }

    Set<String> unreached = new TreeSet<>();
    for (String c : classes()) {
      // Avro finds generated records by name from their schemas: the schemas module stays whole.
      if (c.startsWith("io.rewind.") && !c.startsWith("io.rewind.shaded.") && !c.startsWith("io.rewind.schemas.") && !reached.contains(c)) {
        unreached.add(c);
      }
    }
    assertThat(unreached).as("Rewind classes in the RegionServer jar that neither the endpoint nor the observer uses").isEmpty();
    assertThat(classes()).as("the fleet simulator").noneMatch(c -> c.matches("io\\.rewind\\.producer\\.(Sim|FleetSimulator|Workload|ExpectedState).*"));
  }

  @Test
  void librariesAreRelocatedWithTheirServiceFiles() throws IOException {
    String report = RegionServerJar.jdeps("-verbose:package", "--multi-release", "11", "-cp", hbase, jar.toString());
    List<String> unrelocated = report.lines()
        .filter(l -> l.contains("->") && RELOCATED.stream().anyMatch(p -> l.contains("-> " + p)))
        .collect(Collectors.toList());
    assertThat(unrelocated).as("references to a library's original package").isEmpty();

    Set<String> classes = classes();
    try (JarFile j = new JarFile(jar.toFile())) {
      List<JarEntry> services = j.stream().filter(e -> e.getName().startsWith("META-INF/services/") && !e.isDirectory()).collect(Collectors.toList());
      assertThat(services).isNotEmpty();
      for (JarEntry service : services) {
        String api = service.getName().substring("META-INF/services/".length());
        assertThat(RELOCATED).as("service %s", api).noneMatch(api::startsWith);
        try (InputStream in = j.getInputStream(service)) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().collect(Collectors.toList())) {
            String provider = line.replaceAll("#.*", "").trim();
            if (!provider.isEmpty()) {
              assertThat(classes).as("provider of %s", api).contains(provider);
            }
          }
        }
      }
    }
  }

  /** The shade plugin rewrites strings that look like relocated names: Kafka's system properties must keep theirs. */
  @Test
  void kafkasSystemPropertiesKeepTheirNames() throws IOException {
    List<String> properties = List.of("org.apache.kafka.sasl.oauthbearer.allowed.urls", "org.apache.kafka.sasl.oauthbearer.allowed.files",
        "org.apache.kafka.disallowed.login.modules", "org.apache.kafka.automatic.config.providers");
    Set<String> kept = new TreeSet<>();
    Set<String> renamed = new TreeSet<>();
    try (JarFile j = new JarFile(jar.toFile())) {
      for (JarEntry e : j.stream().filter(e -> e.getName().startsWith("io/rewind/shaded/kafka/")).collect(Collectors.toList())) {
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
      for (JarEntry e : j.stream().filter(e -> e.getName().endsWith(".class")).collect(Collectors.toList())) {
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
