package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.client.Connection;
import org.junit.jupiter.api.Test;

/** A request is checked whole when built: what cannot run is refused before anything is read. */
class RestoreRequestTest {

  private static final RestoreRequest.When T = RestoreRequest.When.at(1_795_000_000_000L);
  private static final RestoreRequest.Target DUMPS =
      new RestoreRequest.Target.Dumps(Path.of("out"));

  /** An engine that is never made: the request only holds it. */
  private static final ReplayEngine.Factory ELSEWHERE =
      new ReplayEngine.Factory() {
        @Override
        public String name() {
          return "mapreduce";
        }

        @Override
        public ReplayEngine create(Connection connection) {
          throw new AssertionError("not made by a request");
        }
      };

  @Test
  void aRequestWithoutATargetIsRefusedUnlessItIsADryRun() {
    assertThatThrownBy(() -> RestoreRequest.builder(T).build())
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageStartingWith("no target: pass --out <dir>")
        .hasMessageContaining("--dry-run");

    RestoreRequest dryRun = RestoreRequest.builder(T).dryRun(true).build();

    assertThat(dryRun.target()).isNull();
    assertThat(dryRun.dryRun()).isTrue();
  }

  @Test
  void aRequestWithoutATimeIsRefused() {
    assertThatThrownBy(() -> RestoreRequest.builder(null).target(DUMPS).build())
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("--to T, --latest or --to-point NAME");
  }

  @Test
  void noPartitionReplayedAtOnceIsRefused() {
    assertThatThrownBy(() -> RestoreRequest.builder(T).target(DUMPS).parallelism(0).build())
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("--parallelism 0 replays nothing");
  }

  @Test
  void anEngineElsewhereWritesIntoHBaseTablesOnlyNotIntoCellDumps() {
    assertThatThrownBy(() -> RestoreRequest.builder(T).target(DUMPS).engine(ELSEWHERE).build())
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("--engine mapreduce writes HFiles into HBase tables");

    RestoreRequest intoHBase =
        RestoreRequest.builder(T)
            .target(
                RestoreRequest.Target.HBase.connecting(
                    () -> {
                      throw new AssertionError("not connected by a request");
                    }))
            .engine(ELSEWHERE)
            .build();

    assertThat(intoHBase.engineName()).isEqualTo("mapreduce");
    assertThat(RestoreRequest.builder(T).target(DUMPS).build().engineName()).isEqualTo("local");
  }

  @Test
  void aRequestIsAValueItsBuilderCannotChangeOnceBuilt() {
    List<String> tables = new ArrayList<>(List.of("default:orders"));
    List<String> map = new ArrayList<>(List.of("default:orders=restored:o"));
    RestoreRequest.Builder builder =
        RestoreRequest.builder(T)
            .tables(tables)
            .target(
                RestoreRequest.Target.HBase.connecting(() -> null).withMap(map).withForce(true));
    RestoreRequest request = builder.build();

    tables.add("default:users");
    map.add("default:users=restored:u");
    builder.verify(true).parallelism(3);

    assertThat(request.tables()).containsExactly("default:orders");
    assertThat(((RestoreRequest.Target.HBase) request.target()).map())
        .containsExactly("default:orders=restored:o");
    assertThat(request.verify()).isFalse();
    RestoreRequest changed = request.toBuilder().verify(true).build();
    assertThat(changed.verify()).isTrue();
    assertThat(changed.tables()).isEqualTo(request.tables());
    assertThat(changed.target()).isEqualTo(request.target());
    assertThat(request.verify()).isFalse();
  }

  @Test
  void anHBaseTargetPutsRowsIntoDefaultTablesWithoutOverwritingUnlessAsked() {
    RestoreRequest.Target.HBase target = RestoreRequest.Target.HBase.connecting(() -> null);

    assertThat(target.ownsConnection()).isTrue();
    assertThat(target.bulkLoad()).isFalse();
    assertThat(target.bulkLoadDir()).isNull();
    assertThat(target.force()).isFalse();
    assertThat(target.map()).isEmpty();
    assertThat(RestoreRequest.Target.HBase.through(null).ownsConnection())
        .as("a borrowed connection is left open")
        .isFalse();
    RestoreRequest.Target.HBase bulk = target.withBulkLoad(true, "hdfs://nn/tmp/rewind-bulkload");
    assertThat(bulk.bulkLoad()).isTrue();
    assertThat(bulk.bulkLoadDir()).isEqualTo("hdfs://nn/tmp/rewind-bulkload");
    assertThat(target.bulkLoad()).as("withers copy").isFalse();
  }
}
