package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.restore.RestoreRefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refusals of --engine mapreduce that need no cluster: each names what is wrong and the fix.
 */
class MapReduceOptionsTest {

  @TempDir Path dir;

  @Test
  void aMapReduceRestoreIntoCellDumpsIsRefused() {
    CliRun.Result r =
        CliRun.run(
            "restore",
            "--store",
            dir.toUri().toString(),
            "--latest",
            "--out",
            dir.resolve("out").toString(),
            "--engine",
            "mapreduce");
    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err)
        .contains("--engine mapreduce writes HFiles into HBase tables")
        .contains("--engine local");
  }

  @Test
  void aHadoopConfWithoutTheMapReduceEngineIsRefused() {
    CliRun.Result r =
        CliRun.run(
            "restore",
            "--store",
            dir.toUri().toString(),
            "--latest",
            "--dry-run",
            "--hadoop-conf",
            dir.toString());
    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("pass --engine mapreduce too");
  }

  @Test
  void aHadoopConfigurationThatNamesNoYarnClusterIsRefused() throws Exception {
    assertThatThrownBy(() -> HadoopConfDir.load(dir.resolve("missing"), new Configuration(false)))
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> HadoopConfDir.load(dir, new Configuration(false)))
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("holds none of core-site.xml");
    Files.writeString(
        dir.resolve("mapred-site.xml"),
        "<configuration><property><name>mapreduce.framework.name</name>"
            + "<value>local</value></property></configuration>");
    assertThatThrownBy(() -> HadoopConfDir.load(dir, new Configuration(false)))
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("does not name a YARN cluster (mapreduce.framework.name is local)");
    Files.writeString(
        dir.resolve("mapred-site.xml"),
        "<configuration><property><name>mapreduce.framework.name</name>"
            + "<value>yarn</value></property></configuration>");
    assertThat(HadoopConfDir.load(dir, new Configuration(false)).get("mapreduce.framework.name"))
        .isEqualTo("yarn");
  }
}
