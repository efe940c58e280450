package io.rewind.monitoring;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueCheckpoint;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.ManifestStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the status of a Rewind deployment from Kafka (Admin client and plain consumers, no
 * consumer group of its own) and the object store: topics, the pipeline's consumer groups and their
 * lag, the checkpoint and the per-queue table, the archive against the edits topic's retention, the
 * committed segments, the restorable range per table, clock skew and bulk-load markers; then the
 * alerts ({@link AlertRules}). One instance can collect again and again (the status page, the
 * metrics): the checkpoints and progress topics and the manifests are then read incrementally.
 * Thread-safe ({@link #collect()} is serialized).
 */
public final class StatusCollector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusCollector.class);
  private static final long ADMIN_TIMEOUT_MS = 15_000;
  private static final long REACH_TIMEOUT_MS = 10_000;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  static final String ARCHIVERS = "archivers";
  static final String CHECKPOINT = "checkpoint";

  private final RewindConfig config;
  private final MonitorSettings settings;
  private final Clock clock;
  private final Topics topics;
  private final AlertRules rules;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> timestampConsumer;
  private final KafkaConsumer<byte[], byte[]> checkpointsConsumer;
  private final KafkaConsumer<byte[], byte[]> progressConsumer;
  private final CheckpointTopicReader checkpoints;
  private final ProgressWatcher progress;
  private ObjectStore store;
  private StoreStatus storeStatus;

  public StatusCollector(RewindConfig config) {
    this(config, Clock.systemUTC());
  }

  public StatusCollector(RewindConfig config, Clock clock) {
    this.config = config;
    this.settings = MonitorSettings.of(config);
    this.clock = clock;
    KafkaClients clients = new KafkaClients(config);
    this.topics = clients.topics();
    this.rules = new AlertRules(settings, topics);
    SerdeFactory serdes = clients.serdes();
    this.admin = clients.admin("rewind-status");
    this.timestampConsumer = consumer(clients, "rewind-status-timestamps", 256 * 1024);
    this.checkpointsConsumer = consumer(clients, "rewind-status-checkpoints", 1 << 20);
    this.progressConsumer = consumer(clients, "rewind-status-progress", 1 << 20);
    this.checkpoints =
        new CheckpointTopicReader(
            checkpointsConsumer,
            topics.checkpoints(),
            serdes.deserializer(Checkpoint.class),
            serdes.deserializer(QueueCheckpoint.class));
    this.progress =
        new ProgressWatcher(
            progressConsumer,
            topics.progress(),
            serdes.deserializer(ProgressEvent.class),
            settings);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(
      KafkaClients clients, String clientId, int maxPartitionFetchBytes) {
    Map<String, Object> props = clients.consumerProps(clientId, null);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxPartitionFetchBytes);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    return new KafkaConsumer<>(props);
  }

  public MonitorSettings settings() {
    return settings;
  }

  /** Collects everything once; parts that cannot be read are left empty and named in the notes. */
  public synchronized StatusReport collect() throws InterruptedException {
    checkReachable();
    long now = clock.millis();
    List<String> notes = new ArrayList<>();
    Map<String, TopicDescription> described = describeTopics(notes);
    Map<String, Long> retention = retention(described.keySet(), notes);
    Map<TopicPartition, Long> sizes = sizes(notes);

    List<String> groupIds =
        List.of(
            config.get(RewindConfig.ARCHIVER_GROUP),
            config.get(RewindConfig.CHECKPOINT_APPLICATION_ID));
    Map<String, ConsumerGroupDescription> groups = new LinkedHashMap<>();
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new LinkedHashMap<>();
    for (String g : groupIds) {
      describeGroup(g, groups, committed, notes);
    }

    Set<TopicPartition> partitions = new TreeSet<>(StatusDerivation::compare);
    described
        .values()
        .forEach(
            d ->
                d.partitions()
                    .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
    committed.values().forEach(m -> partitions.addAll(m.keySet()));
    groups
        .values()
        .forEach(
            d -> d.members().forEach(m -> partitions.addAll(m.assignment().topicPartitions())));
    Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest(), notes);
    Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest(), notes);

    StoreStatus.Snapshot stored = storeStatus(notes);
    Map<Integer, ManifestStore.Chain> chains = stored == null ? null : stored.chains();

    TopicDescription edits = described.get(topics.edits());
    Map<Integer, Long> firstUnarchived =
        edits != null && chains != null
            ? StatusDerivation.firstUnarchived(edits, chains, starts)
            : Map.of();
    Set<OffsetTimestamps.Request> wanted =
        StatusDerivation.timestampsWanted(committed, ends, topics.edits(), firstUnarchived);
    Map<OffsetTimestamps.Request, Long> timestamps =
        new OffsetTimestamps(timestampConsumer, READ_TIMEOUT).read(wanted);

    List<TopicStatus> topicStatuses =
        StatusDerivation.topicStatuses(topics.all(), described, retention, sizes, starts, ends);
    List<GroupStatus> groupStatuses = new ArrayList<>();
    for (String g : groupIds) {
      String role = g.equals(config.get(RewindConfig.ARCHIVER_GROUP)) ? ARCHIVERS : CHECKPOINT;
      groupStatuses.add(
          StatusDerivation.groupStatus(
              g, role, groups.get(g), committed.getOrDefault(g, Map.of()), ends, timestamps, now));
    }
    ArchiveLag archive =
        edits == null || chains == null
            ? null
            : StatusDerivation.archiveLag(
                edits,
                chains,
                firstUnarchived,
                starts,
                ends,
                timestamps,
                retention.get(topics.edits()),
                now);

    CheckpointState checkpoint = null;
    List<QueueRow> queues = List.of();
    try {
      checkpoints.catchUp(READ_TIMEOUT);
      // The RPO and the marker ages against the time the topic was read, not the start of the
      // collection.
      long readAt = clock.millis();
      checkpoint = checkpointState(readAt, notes);
      queues = queueRows(checkpoint, readAt);
    } catch (RuntimeException e) {
      notes.add("cannot read " + topics.checkpoints() + ": " + e.getMessage());
    }
    List<PublisherSkew> skew = List.of();
    List<BulkLoadMarker> bulkLoads = List.of();
    WalBacklog walBacklog = null;
    try {
      progress.catchUp(now, READ_TIMEOUT);
      skew = progress.skew();
      bulkLoads = progress.bulkLoads();
      walBacklog =
          progress.newestSnapshot().map(snapshot -> WalBacklog.of(snapshot, now)).orElse(null);
      if (walBacklog == null) {
        notes.add(
            "walBacklog: no cluster snapshot in "
                + topics.progress()
                + " within "
                + MonitorSettings.PROGRESS_WINDOW_MS
                + ": no endpoint or simulator publishes them, so the source's WAL backlog is unknown");
      }
      if (progress.skewUnmeasurable()) {
        notes.add(
            topics.progress()
                + " does not use LogAppendTime: clock skew cannot be measured (set message.timestamp.type=LogAppendTime)");
      }
    } catch (RuntimeException e) {
      notes.add("cannot read " + topics.progress() + ": " + e.getMessage());
    }
    notes.add(
        "tables: the earliest restorable point is the oldest base's completion, or for a table without a base the "
            + StoreStatus.TABLE_BASIS);
    notes.add(
        "clockSkew: broker append time minus send time; the estimate is the minimum over "
            + Durations.text(settings.skewWindowMs())
            + " (the delivery delay only adds to it)");

    StatusReport facts =
        new StatusReport(
            now,
            TimeParser.format(now),
            config.bootstrapServers(),
            storeUriOrNull(),
            topicStatuses,
            groupStatuses,
            checkpoint,
            queues,
            archive,
            stored == null ? List.of() : stored.segments(),
            stored == null ? List.of() : stored.tables(),
            skew,
            bulkLoads,
            walBacklog,
            List.of(),
            notes,
            stored == null ? null : stored.restoreTest());
    return facts.withAlerts(rules.evaluate(facts));
  }

  /** Fails fast (one short wait instead of one timeout per Admin call) when no broker answers. */
  private void checkReachable() throws InterruptedException {
    try {
      admin.describeCluster().clusterId().get(REACH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new KafkaUnreachableException(
          config.bootstrapServers(), REACH_TIMEOUT_MS, e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaUnreachableException(config.bootstrapServers(), REACH_TIMEOUT_MS, e);
    }
  }

  /**
   * The requests this collector made to the object store so far; none before a collection opened
   * it.
   */
  public synchronized StoreRequests storeRequests() {
    return store == null ? StoreRequests.NONE : store.requests();
  }

  private String storeUriOrNull() {
    return config.get(RewindConfig.STORE_URI).isBlank() ? null : config.get(RewindConfig.STORE_URI);
  }

  private Map<String, TopicDescription> describeTopics(List<String> notes)
      throws InterruptedException {
    Map<String, TopicDescription> described = new LinkedHashMap<>();
    Map<String, KafkaFuture<TopicDescription>> futures =
        admin.describeTopics(topics.all()).topicNameValues();
    for (String name : topics.all()) {
      try {
        described.put(name, get(futures.get(name)));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          notes.add("cannot describe topic " + name + ": " + e.getCause());
        }
      }
    }
    return described;
  }

  private Map<String, Long> retention(Set<String> names, List<String> notes)
      throws InterruptedException {
    Map<String, Long> retention = new HashMap<>();
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    try {
      Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all());
      configs.forEach(
          (r, c) -> {
            var entry = c.get(TopicConfig.RETENTION_MS_CONFIG);
            if (entry != null && entry.value() != null) {
              retention.put(r.name(), Long.parseLong(entry.value()));
            }
          });
    } catch (ExecutionException e) {
      notes.add("cannot read topic configurations: " + e.getCause());
    }
    return retention;
  }

  private Map<TopicPartition, Long> sizes(List<String> notes) throws InterruptedException {
    Map<TopicPartition, Long> sizes = new HashMap<>();
    try {
      List<Integer> brokers = get(admin.describeCluster().nodes()).stream().map(Node::id).toList();
      Map<Integer, Map<String, LogDirDescription>> dirs =
          get(admin.describeLogDirs(brokers).allDescriptions());
      for (Map<String, LogDirDescription> perBroker : dirs.values()) {
        for (LogDirDescription dir : perBroker.values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
            sizes.merge(e.getKey(), e.getValue().size(), Long::sum);
          }
        }
      }
    } catch (ExecutionException e) {
      notes.add(
          "cannot read log dir sizes (describeLogDirs needs DESCRIBE on the cluster): "
              + e.getCause());
    }
    return sizes;
  }

  private void describeGroup(
      String groupId,
      Map<String, ConsumerGroupDescription> groups,
      Map<String, Map<TopicPartition, OffsetAndMetadata>> committed,
      List<String> notes)
      throws InterruptedException {
    try {
      groups.put(
          groupId,
          get(admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)));
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof GroupIdNotFoundException)) {
        notes.add("cannot describe group " + groupId + ": " + e.getCause());
      }
    }
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          new HashMap<>(
              get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()));
      offsets.values().removeIf(v -> v == null);
      committed.put(groupId, offsets);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof GroupIdNotFoundException)) {
        notes.add("cannot read the committed offsets of group " + groupId + ": " + e.getCause());
      }
    }
  }

  private Map<TopicPartition, Long> offsets(
      Set<TopicPartition> partitions, OffsetSpec spec, List<String> notes)
      throws InterruptedException {
    Map<TopicPartition, Long> result = new HashMap<>();
    if (partitions.isEmpty()) {
      return result;
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    ListOffsetsResult r =
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
    for (TopicPartition tp : partitions) {
      try {
        result.put(tp, get(r.partitionResult(tp)).offset());
      } catch (ExecutionException e) {
        notes.add("cannot read the offsets of " + tp + ": " + e.getCause());
      }
    }
    return result;
  }

  private StoreStatus.Snapshot storeStatus(List<String> notes) {
    try {
      if (store == null) {
        store = ObjectStore.open(config);
        storeStatus = new StoreStatus(store);
      }
      return storeStatus.read();
    } catch (IOException | RuntimeException e) {
      notes.add("cannot read the object store's manifests: " + e.getMessage());
      return null;
    }
  }

  private CheckpointState checkpointState(long now, List<String> notes) {
    Optional<CheckpointTopicReader.Published> published = checkpoints.latest();
    if (published.isPresent()) {
      Checkpoint c = published.get().checkpoint();
      return new CheckpointState(
          c.getTime(),
          TimeParser.format(c.getTime()),
          c.getComputedAt(),
          now - c.getTime(),
          queueName(c.getHeldBy()),
          c.getRule(),
          c.getQueues(),
          c.getDecreased(),
          "kafka");
    }
    if (store == null) {
      return null;
    }
    try {
      Optional<CheckpointFile.Stored> stored = CheckpointFile.read(store);
      if (stored.isPresent()) {
        CheckpointFile.Stored s = stored.get();
        notes.add("checkpoint: read from the store (" + topics.checkpoints() + " holds none)");
        return new CheckpointState(
            s.time,
            TimeParser.format(s.time),
            s.computedAt,
            now - s.time,
            s.heldBy,
            s.rule,
            s.queues,
            false,
            "store");
      }
    } catch (IOException e) {
      notes.add("cannot read the store's checkpoint: " + e.getMessage());
    }
    return null;
  }

  private List<QueueRow> queueRows(CheckpointState checkpoint, long now) {
    List<QueueRow> rows = new ArrayList<>();
    String holder = checkpoint == null ? null : checkpoint.heldBy();
    checkpoints
        .queues()
        .forEach(
            (name, q) -> {
              Long contribution = q.getContribution();
              Long marker = q.getLastMarkerSendTime();
              rows.add(
                  new QueueRow(
                      name,
                      q.getQueue().getServer(),
                      q.getQueue().getWalGroup(),
                      contribution,
                      contribution == null ? null : TimeParser.format(contribution),
                      q.getRule(),
                      marker,
                      marker == null ? null : now - marker,
                      q.getUpdatedAt(),
                      name.equals(holder)));
            });
    return rows;
  }

  private static String queueName(QueueId q) {
    return q == null ? null : q.getServer() + "/" + q.getWalGroup();
  }

  private static <T> T get(KafkaFuture<T> future) throws InterruptedException, ExecutionException {
    try {
      return future.get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ExecutionException(
          new TimeoutException("no answer from Kafka within " + ADMIN_TIMEOUT_MS + " ms"));
    }
  }

  @Override
  public synchronized void close() {
    admin.close(Duration.ofSeconds(5));
    timestampConsumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    checkpointsConsumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    progressConsumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    if (store != null) {
      try {
        store.close();
      } catch (IOException e) {
        LOG.warn("cannot close the store {}: {}", store, e.toString());
      }
    }
  }
}
