package io.rewind.store.kafka;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Pure: the Kafka ACLs of each Rewind role, one principal per role, each allowed only what it needs
 * (docs/operations.md, "Kafka security"). Topic names come from {@code topic.prefix}, groups from
 * {@code archiver.group.id} and {@code checkpoint.application.id}.
 */
public final class RoleAcls {

  /** The roles of a deployment; each runs as its own principal. */
  public enum Role {
    /**
     * The HBase replication endpoint (and the simulator): publishes edits, progress and
     * descriptors; follows the control topic for restore-point requests (assigned, no group).
     */
    ENDPOINT,
    /**
     * {@code rewind archive}: consumes edits, descriptors and control; publishes archived, dlq and
     * control answers.
     */
    ARCHIVER,
    /** {@code rewind checkpoint}: the Kafka Streams app (exactly-once, its own internal topics). */
    CHECKPOINT,
    /** {@code rewind status}, the status page and metrics: describes and reads, writes nothing. */
    STATUS,
    /** {@code rewind base follow}: reads the descriptors topic. */
    BASE,
    /**
     * {@code rewind restore} and {@code rewind verify}: read only the object store, nothing in
     * Kafka.
     */
    RESTORE,
    /** {@code rewind init}: creates and configures Rewind's topics. */
    ADMIN,
    /**
     * {@code rewind restore-point create}: announces a point on the control topic and watches the
     * claims on progress (assigned, no group).
     */
    RESTORE_POINT;

    /** The user name of the role's principal in the demo and the tests ({@code User:<name>}). */
    public String user() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private RoleAcls() {}

  /** The ACLs of {@code role} for {@code principal} (e.g. {@code User:archiver}). */
  public static List<AclBinding> of(Role role, String principal, RewindConfig config) {
    Topics t = new Topics(config.topicPrefix());
    String archivers = config.get(RewindConfig.ARCHIVER_GROUP);
    String app = config.get(RewindConfig.CHECKPOINT_APPLICATION_ID);
    List<AclBinding> acls = new ArrayList<>();
    switch (role) {
      case ENDPOINT:
        for (String topic : List.of(t.edits(), t.progress(), t.tables())) {
          allow(
              acls,
              principal,
              ResourceType.TOPIC,
              topic,
              PatternType.LITERAL,
              AclOperation.WRITE,
              AclOperation.DESCRIBE);
        }
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            t.control(),
            PatternType.LITERAL,
            AclOperation.READ,
            AclOperation.DESCRIBE);
        break;
      case ARCHIVER:
        for (String topic : List.of(t.edits(), t.tables())) {
          allow(
              acls,
              principal,
              ResourceType.TOPIC,
              topic,
              PatternType.LITERAL,
              AclOperation.READ,
              AclOperation.DESCRIBE);
        }
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            t.control(),
            PatternType.LITERAL,
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.DESCRIBE);
        for (String topic : List.of(t.archived(), t.dlq())) {
          allow(
              acls,
              principal,
              ResourceType.TOPIC,
              topic,
              PatternType.LITERAL,
              AclOperation.WRITE,
              AclOperation.DESCRIBE);
        }
        allow(
            acls,
            principal,
            ResourceType.GROUP,
            archivers,
            PatternType.LITERAL,
            AclOperation.READ,
            AclOperation.DESCRIBE);
        break;
      case CHECKPOINT:
        for (String topic : List.of(t.progress(), t.archived())) {
          allow(
              acls,
              principal,
              ResourceType.TOPIC,
              topic,
              PatternType.LITERAL,
              AclOperation.READ,
              AclOperation.DESCRIBE);
        }
        // The end offsets of edits, never its records.
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            t.edits(),
            PatternType.LITERAL,
            AclOperation.DESCRIBE);
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            t.checkpoints(),
            PatternType.LITERAL,
            AclOperation.WRITE,
            AclOperation.DESCRIBE);
        // Kafka Streams: its group, its transactional ids and its changelog topics, all named after
        // the application id.
        allow(
            acls,
            principal,
            ResourceType.GROUP,
            app,
            PatternType.LITERAL,
            AclOperation.READ,
            AclOperation.DESCRIBE);
        allow(
            acls,
            principal,
            ResourceType.TRANSACTIONAL_ID,
            app,
            PatternType.PREFIXED,
            AclOperation.WRITE,
            AclOperation.DESCRIBE);
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            app + "-",
            PatternType.PREFIXED,
            AclOperation.CREATE,
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS);
        break;
      case STATUS:
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            config.topicPrefix(),
            PatternType.PREFIXED,
            AclOperation.READ,
            AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS);
        for (String group : List.of(archivers, app)) {
          allow(
              acls,
              principal,
              ResourceType.GROUP,
              group,
              PatternType.LITERAL,
              AclOperation.DESCRIBE);
        }
        // describeLogDirs (topic sizes).
        allow(
            acls,
            principal,
            ResourceType.CLUSTER,
            "kafka-cluster",
            PatternType.LITERAL,
            AclOperation.DESCRIBE);
        break;
      case BASE:
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            t.tables(),
            PatternType.LITERAL,
            AclOperation.READ,
            AclOperation.DESCRIBE);
        break;
      case RESTORE:
        break;
      case ADMIN:
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            config.topicPrefix(),
            PatternType.PREFIXED,
            AclOperation.CREATE,
            AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS);
        break;
      case RESTORE_POINT:
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            t.control(),
            PatternType.LITERAL,
            AclOperation.WRITE,
            AclOperation.DESCRIBE);
        allow(
            acls,
            principal,
            ResourceType.TOPIC,
            t.progress(),
            PatternType.LITERAL,
            AclOperation.READ,
            AclOperation.DESCRIBE);
        break;
      default:
        throw new IllegalArgumentException("unknown role " + role);
    }
    return acls;
  }

  private static void allow(
      List<AclBinding> acls,
      String principal,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation... operations) {
    for (AclOperation op : operations) {
      acls.add(
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
    }
  }
}
