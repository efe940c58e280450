package io.rewind.client.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class EditKeyTest {

  @Test
  void aKeysPartitionIsTheOneKafkasProducerSendsItTo() {
    Random rng = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      byte[] row = new byte[1 + rng.nextInt(20)];
      rng.nextBytes(row);
      byte[] key = EditKey.of("ns:t" + (i % 3), row);
      int partitions = 1 + rng.nextInt(64);
      assertThat(EditKey.partition(key, partitions))
          .isEqualTo(BuiltInPartitioner.partitionForKey(key, partitions));
    }
  }
}
