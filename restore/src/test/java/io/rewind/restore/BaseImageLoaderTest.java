package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageManifest;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaseImageLoaderTest {

  private static BaseImageFile file(String region, String family, String name, long maxSeqId) {
    BaseImageFile f = new BaseImageFile();
    f.region = region;
    f.family = family;
    f.name = name;
    f.key = "bases/files/ns/t/" + family + "/" + name;
    f.maxSeqId = maxSeqId;
    return f;
  }

  private static BaseImageManifest.Region region(String name) {
    BaseImageManifest.Region r = new BaseImageManifest.Region();
    r.encodedName = name;
    r.startKey = "";
    r.endKey = "";
    return r;
  }

  @Test
  void eachStoresFilesLoadOldestFirstOneLayerPerCall() {
    BaseImageManifest base = new BaseImageManifest();
    base.regions = List.of(region("r1"), region("r2"));
    base.files =
        List.of(
            file("r1", "f", "new", 30),
            file("r1", "f", "old", 10),
            file("r1", "f", "mid", 20),
            file("r2", "f", "only", 5),
            file("r1", "g", "g1", 7));

    List<List<BaseImageFile>> layers = BaseImageLoader.layers(base);

    assertThat(layers).hasSize(3);
    assertThat(layers.get(0))
        .extracting(f -> f.name)
        .containsExactlyInAnyOrder("old", "g1", "only");
    assertThat(layers.get(1)).extracting(f -> f.name).containsExactly("mid");
    assertThat(layers.get(2)).extracting(f -> f.name).containsExactly("new");
  }

  @Test
  void aSplitParentsFilesLoadBeforeTheDaughtersAndASharedFileLoadsOnce() {
    BaseImageManifest base = new BaseImageManifest();
    base.regions = List.of(region("d1"), region("d2"));
    BaseImageFile parentFile = file("parent", "f", "p1", 50);
    base.files =
        List.of(file("d1", "f", "d1a", 60), parentFile, file("d2", "f", "d2a", 61), parentFile);

    List<List<BaseImageFile>> layers = BaseImageLoader.layers(base);

    assertThat(layers).hasSize(2);
    assertThat(layers.get(0)).extracting(f -> f.name).containsExactly("p1");
    assertThat(layers.get(1)).extracting(f -> f.name).containsExactlyInAnyOrder("d1a", "d2a");
  }
}
