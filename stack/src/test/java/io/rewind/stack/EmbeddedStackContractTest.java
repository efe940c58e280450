package io.rewind.stack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class EmbeddedStackContractTest extends RewindStackContract {

  private static EmbeddedStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(3).start();
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
