package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.core.base.BaseFile;
import io.rewind.core.base.BaseManifest;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaseLoaderTest {

  private static BaseFile file(String region, String family, String name, long maxSeqId) {
    BaseFile f = new BaseFile();
    f.region = region;
    f.family = family;
    f.name = name;
    f.key = "bases/files/ns/t/" + family + "/" + name;
    f.maxSeqId = maxSeqId;
    return f;
  }

  private static BaseManifest.Region region(String name) {
    BaseManifest.Region r = new BaseManifest.Region();
    r.encodedName = name;
    r.startKey = "";
    r.endKey = "";
    return r;
  }

  @Test
  void eachStoresFilesLoadOldestFirstOneLayerPerCall() {
    BaseManifest base = new BaseManifest();
    base.regions = List.of(region("r1"), region("r2"));
    base.files = List.of(file("r1", "f", "new", 30), file("r1", "f", "old", 10), file("r1", "f", "mid", 20),
        file("r2", "f", "only", 5), file("r1", "g", "g1", 7));

    List<List<BaseFile>> layers = BaseLoader.layers(base);

    assertThat(layers).hasSize(3);
    assertThat(layers.get(0)).extracting(f -> f.name).containsExactlyInAnyOrder("old", "g1", "only");
    assertThat(layers.get(1)).extracting(f -> f.name).containsExactly("mid");
    assertThat(layers.get(2)).extracting(f -> f.name).containsExactly("new");
  }

  @Test
  void aSplitParentsFilesLoadBeforeTheDaughtersAndASharedFileLoadsOnce() {
    BaseManifest base = new BaseManifest();
    base.regions = List.of(region("d1"), region("d2"));
    BaseFile parentFile = file("parent", "f", "p1", 50);
    base.files = List.of(file("d1", "f", "d1a", 60), parentFile, file("d2", "f", "d2a", 61), parentFile);

    List<List<BaseFile>> layers = BaseLoader.layers(base);

    assertThat(layers).hasSize(2);
    assertThat(layers.get(0)).extracting(f -> f.name).containsExactly("p1");
    assertThat(layers.get(1)).extracting(f -> f.name).containsExactlyInAnyOrder("d1a", "d2a");
  }
}
