package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.cli.CliRun;
import io.rewind.cli.Errors;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void theDemosMapReduceRestoresNeedTheHBaseDemo() {
    CliRun.Result r = CliRun.run("demo", "--source", "simulator", "--restore-engine", "mapreduce");
    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("drop --source simulator");
  }
}
