package io.rewind.stack;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The embedded broker's TLS material, made at start (BouncyCastle's certificate builder over the
 * JDK's EC keys): a throw-away certificate authority, the broker's certificate signed by it
 * (CN=broker, valid for 127.0.0.1 and localhost, for server and client authentication: the broker
 * also presents it to its own controller), as PKCS12 files with a random password; the CA alone in
 * a trust store for clients. Nothing leaves the stack's work dir.
 */
final class Certificates {

  static final String BROKER_CN = "broker";
  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path keyStore;
  private final Path trustStore;
  private final String password;

  private Certificates(Path keyStore, Path trustStore, String password) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
    this.password = password;
  }

  static Certificates create(Path dir) throws IOException {
    Files.createDirectories(dir);
    byte[] secret = new byte[18];
    RANDOM.nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      KeyPair caKeys = generator.generateKeyPair();
      X500Name caName = new X500Name("CN=Rewind embedded stack CA");
      X509v3CertificateBuilder ca = builder(caName, caName, caKeys);
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      ca.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = sign(ca, caKeys);

      KeyPair brokerKeys = generator.generateKeyPair();
      X509v3CertificateBuilder broker =
          builder(caName, new X500Name("CN=" + BROKER_CN), brokerKeys);
      broker.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      broker.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      broker.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      X509Certificate brokerCert = sign(broker, caKeys);

      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          BROKER_CN,
          brokerKeys.getPrivate(),
          password.toCharArray(),
          new Certificate[] {brokerCert, caCert});
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", caCert);
      Path keyStore = save(keys, dir.resolve("broker.p12"), password);
      Path trustStore = save(trust, dir.resolve("truststore.p12"), password);
      return new Certificates(keyStore, trustStore, password);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new StackStartException(
          "cannot make the embedded broker's certificates: " + e.getMessage(), e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(VALIDITY)),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static Path save(KeyStore store, Path file, String password)
      throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  Path keyStore() {
    return keyStore;
  }

  Path trustStore() {
    return trustStore;
  }

  String password() {
    return password;
  }
}
