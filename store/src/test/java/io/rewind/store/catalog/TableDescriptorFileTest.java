package io.rewind.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableDescriptorFileTest {

  @TempDir Path dir;

  private static TableDescriptor descriptor(long updatedAt) {
    return TableDescriptor.newBuilder()
        .setTable("ns:orders")
        .setFamilies(List.of(FamilyDescriptor.newBuilder().setName("f").build()))
        .setUpdatedAt(updatedAt)
        .build();
  }

  private void tear(String key) throws IOException {
    Path file = dir.resolve(key);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
  }

  @Test
  void aDescriptorTornByACrashMidWriteIsReadFromItsCopy() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      TableDescriptorFile.write(store, descriptor(1));
      TableDescriptorFile.write(store, descriptor(2));
      tear(StoreLayout.table("ns:orders"));

      assertThat(TableDescriptorFile.read(store, "ns:orders")).contains(descriptor(2));
      assertThat(TableDescriptorFile.readAll(store)).containsExactly(descriptor(2));
    }
  }

  @Test
  void bothCopiesTornFailsNamingTheFileAndTheFix() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      TableDescriptorFile.write(store, descriptor(1));
      tear(StoreLayout.table("ns:orders"));
      tear(StoreLayout.table("ns:orders") + ".backup");

      assertThatThrownBy(() -> TableDescriptorFile.readAll(store))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(StoreLayout.table("ns:orders"))
          .hasMessageContaining("start an archiver");
    }
  }

  @Test
  void anAbsentDescriptorIsEmpty() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      assertThat(TableDescriptorFile.read(store, "ns:none")).isEmpty();
    }
  }
}
