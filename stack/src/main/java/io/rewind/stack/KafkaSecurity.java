package io.rewind.stack;

import io.rewind.client.config.RewindConfig;
import io.rewind.store.kafka.RoleAcls;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;

/**
 * The embedded broker's security (EmbeddedStack's secure mode): clients on SASL_SSL with
 * SCRAM-SHA-512, one user per Rewind role ({@link RoleAcls.Role}) with a random password, created
 * when the log dir is formatted; the inter-broker and controller listeners on TLS with client
 * certificates, where only the broker's own certificate (CN=broker, the single super user) gets in;
 * KRaft's StandardAuthorizer, so each role holds only the ACLs {@link RoleAcls} gives it.
 */
public final class KafkaSecurity {

  static final String MECHANISM = "SCRAM-SHA-512";
  static final String INTERNAL_LISTENER = "BROKER";
  static final String SUPER_USER = "User:" + Certificates.BROKER_CN;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Certificates certificates;
  private final Map<RoleAcls.Role, String> passwords = new EnumMap<>(RoleAcls.Role.class);

  private KafkaSecurity(Certificates certificates) {
    this.certificates = certificates;
    for (RoleAcls.Role role : RoleAcls.Role.values()) {
      byte[] secret = new byte[18];
      RANDOM.nextBytes(secret);
      passwords.put(role, HexFormat.of().formatHex(secret));
    }
  }

  /** New certificates under {@code dir} and a password per role. */
  static KafkaSecurity create(Path dir) throws IOException {
    return new KafkaSecurity(Certificates.create(dir));
  }

  /**
   * The broker's listeners and security settings, over the plaintext ones of {@link
   * KafkaBroker#settings}.
   */
  Map<String, String> brokerSettings(int port, int internalPort, int controllerPort) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(
        "listeners",
        "SASL_SSL://127.0.0.1:"
            + port
            + ","
            + INTERNAL_LISTENER
            + "://127.0.0.1:"
            + internalPort
            + ",CONTROLLER://127.0.0.1:"
            + controllerPort);
    s.put(
        "advertised.listeners",
        "SASL_SSL://127.0.0.1:" + port + "," + INTERNAL_LISTENER + "://127.0.0.1:" + internalPort);
    s.put(
        "listener.security.protocol.map",
        "SASL_SSL:SASL_SSL," + INTERNAL_LISTENER + ":SSL,CONTROLLER:SSL");
    s.put("inter.broker.listener.name", INTERNAL_LISTENER);
    s.put("sasl.enabled.mechanisms", MECHANISM);
    s.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    s.put("ssl.keystore.type", "PKCS12");
    s.put("ssl.keystore.location", certificates.keyStore().toString());
    s.put("ssl.keystore.password", certificates.password());
    s.put("ssl.key.password", certificates.password());
    s.put("ssl.truststore.type", "PKCS12");
    s.put("ssl.truststore.location", certificates.trustStore().toString());
    s.put("ssl.truststore.password", certificates.password());
    // Only a certificate the stack's CA signed gets into the broker-to-broker and controller
    // listeners.
    s.put("listener.name.broker.ssl.client.auth", "required");
    s.put("listener.name.controller.ssl.client.auth", "required");
    s.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+).*$/$1/,DEFAULT");
    s.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    s.put("super.users", SUPER_USER);
    s.put("allow.everyone.if.no.acl.found", "false");
    return s;
  }

  /** {@code kafka-storage format} arguments that create every role's SCRAM credentials. */
  List<String> formatArguments() {
    List<String> args = new ArrayList<>();
    passwords.forEach(
        (role, password) -> {
          args.add("--add-scram");
          args.add(MECHANISM + "=[name=" + role.user() + ",password=" + password + "]");
        });
    return args;
  }

  /**
   * Client settings of the super user (the broker's certificate on the internal listener): for
   * setting up ACLs only.
   */
  Map<String, Object> superUserClient(int internalPort) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("bootstrap.servers", "127.0.0.1:" + internalPort);
    p.put("security.protocol", "SSL");
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", certificates.keyStore().toString());
    p.put("ssl.keystore.password", certificates.password());
    p.put("ssl.key.password", certificates.password());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", certificates.trustStore().toString());
    p.put("ssl.truststore.password", certificates.password());
    return p;
  }

  /**
   * The {@code kafka.*} settings a process of {@code role} connects with: SASL_SSL as that role's
   * user.
   */
  public Map<String, String> clientSettings(RoleAcls.Role role) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("kafka.security.protocol", "SASL_SSL");
    s.put("kafka.sasl.mechanism", MECHANISM);
    s.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + role.user()
            + "\" password=\""
            + passwords.get(role)
            + "\";");
    s.put("kafka.ssl.truststore.type", "PKCS12");
    s.put("kafka.ssl.truststore.location", certificates.trustStore().toString());
    s.put("kafka.ssl.truststore.password", certificates.password());
    return s;
  }

  /** Every role's ACLs for the topics and groups {@code config} names. */
  List<AclBinding> acls(RewindConfig config) {
    List<AclBinding> acls = new ArrayList<>();
    for (RoleAcls.Role role : RoleAcls.Role.values()) {
      acls.addAll(RoleAcls.of(role, "User:" + role.user(), config));
    }
    return acls;
  }
}
