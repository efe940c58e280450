package io.rewind.cli;

import io.rewind.base.BaseImageReport;
import io.rewind.base.BaseImageTaker;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.TableDescriptor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind base follow}: takes a base of every table when it first joins the backup (its
 * descriptor appears on the tables topic) and the store has none of it; runs until stopped. The
 * master's CREATE and DROP records need none: a table created under the observer starts empty.
 */
@Command(
    name = "follow",
    mixinStandardHelpOptions = true,
    description =
        "Run until stopped: take a base of each table as it joins the backup (first seen on the tables topic) when the store"
            + " has no base of it yet.")
final class BaseImageFollowCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(BaseImageFollowCommand.class);
  private static final Duration FOLLOW_WAIT = Duration.ofHours(24);

  @Mixin ConnectionOptions connection;

  @Mixin HBaseConnectionOptions hbase;

  @Option(
      names = "--threads",
      description =
          "Copy threads (default: base.copy.threads, else a quarter of the cores, at least 1).")
  Integer threads;

  @Option(
      names = "--max-bytes-per-sec",
      description = "Upload bandwidth cap (default: base.copy.max.bytes.per.sec, 0 = none).")
  Long maxBytesPerSec;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // A follower runs unattended: it queues behind another operation on the table rather than skip
    // the base.
    RewindConfig config =
        connection.config().with(LeaseSettings.WAIT_MS, String.valueOf(FOLLOW_WAIT.toMillis()));
    if (!hbase.given()) {
      throw new RewindException(
          Kind.REFUSED,
          "no HBase cluster: pass --hbase-site <hbase-site.xml> of the cluster whose tables to copy");
    }
    PrintWriter out = spec.commandLine().getOut();
    KafkaClients clients = new KafkaClients(config);
    Deserializer<TableDescriptor> decoder = clients.serdes().deserializer(TableDescriptor.class);
    LongRunning.Stop stop = LongRunning.onSignal(true);
    try (ObjectStore store = ObjectStore.open(config);
        Connection conn = hbase.connect();
        KafkaConsumer<byte[], byte[]> consumer = clients.consumer("rewind-base-follow", null)) {
      BaseImageStore bases = new BaseImageStore(store);
      BaseImageTaker taker =
          new BaseImageTaker(
              conn,
              conn.getConfiguration(),
              store,
              BaseImageCommand.settings(config, threads, maxBytesPerSec));
      TopicPartition tp = new TopicPartition(clients.topics().tables(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      LOG.info("following {} for tables that join the backup", tp);
      while (!stop.requested() && !Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            continue;
          }
          TableDescriptor version = decoder.deserialize(r.topic(), r.headers(), r.value());
          String table = version.getTable();
          // A table the master records being created starts empty (the stream holds all it will
          // get), a dropped one is gone.
          boolean needsBase =
              !version.getChange().equals("CREATE") && !version.getChange().equals("DROP");
          if (needsBase && bases.bases(table).isEmpty()) {
            try {
              BaseImageReport report = taker.take(table);
              BaseImageCommand.print(out, report);
              out.flush();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              break;
            } catch (InterruptedIOException e) {
              // Stopped while taking it (HBase's client clears the interrupt when it throws this):
              // stop, as asked.
              LOG.info(
                  "stopped while taking the first base of {}: run rewind base --tables {} if it is not committed",
                  table,
                  table);
              Thread.currentThread().interrupt();
              break;
            } catch (RuntimeException | IOException e) {
              LOG.error(
                  "taking the first base of {} failed: {}; retried when its descriptor is next published, or run"
                      + " rewind base --tables {}",
                  table,
                  e.getMessage(),
                  table,
                  e);
            }
          }
        }
      }
    } catch (InterruptException e) {
      Thread.interrupted();
    }
    return 0;
  }
}
