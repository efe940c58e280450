package io.rewind.tools;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ObjectStore;
import io.rewind.restore.StoreVerifier;
import io.rewind.restore.VerifyReport;
import java.io.IOException;
import java.util.List;

/**
 * The demo's last step: {@code rewind verify} of the store it filled (every chain, segment and base
 * file read back).
 */
final class DemoStoreCheck {

  private DemoStoreCheck() {}

  static DemoReport.StoreVerify verify(
      ObjectStore store, RewindConfig config, DemoCommand.Narrator say) throws IOException {
    VerifyReport r =
        new StoreVerifier(
                store, KeyRing.fromConfig(config), Runtime.getRuntime().availableProcessors(), 0)
            .verify(List.of(), null);
    DemoReport.StoreVerify v = new DemoReport.StoreVerify();
    v.ok = r.ok;
    v.problems = r.problems.size();
    v.segmentsChecked = r.segmentsChecked;
    v.baseFilesChecked = r.baseFilesChecked;
    v.durationMs = r.durationMs;
    say.line(
        String.format(
            "rewind verify of the store: %s (%d segments and %d base files read back in %d ms)",
            r.ok ? "OK" : r.problems.size() + " PROBLEM(S)",
            r.segmentsChecked,
            r.baseFilesChecked,
            r.durationMs));
    r.problems.forEach(p -> say.line("  " + p));
    return v;
  }
}
