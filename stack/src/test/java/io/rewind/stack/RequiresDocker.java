package io.rewind.stack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where a Docker engine answers; otherwise it is reported skipped, with why.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresDocker.Condition.class)
@interface RequiresDocker {

  /** The JUnit condition behind the annotation. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String reason = ContainersStack.unavailableReason();
      if (reason == null) {
        return ConditionEvaluationResult.enabled("a Docker engine answers");
      }
      String message = "skipped: " + reason + "; the same contract runs on EmbeddedStack";
      System.err.println(context.getDisplayName() + " " + message);
      return ConditionEvaluationResult.disabled(message);
    }
  }
}
