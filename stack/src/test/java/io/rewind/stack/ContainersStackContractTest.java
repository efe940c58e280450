package io.rewind.stack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract on Docker containers; skipped, saying why, where no Docker engine answers. */
@RequiresDocker
class ContainersStackContractTest extends RewindStackContract {

  private static ContainersStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = ContainersStack.start(3, true);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Override
  RewindStack stack() {
    return stack;
  }
}
