package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryTest {

  private final String savedRoot = System.getProperty(ProjectRoot.PROPERTY);

  @AfterEach
  void restoreProperty() {
    if (savedRoot == null) {
      System.clearProperty(ProjectRoot.PROPERTY);
    } else {
      System.setProperty(ProjectRoot.PROPERTY, savedRoot);
    }
  }

  @Test
  void findsTheBuiltRunnerJarFromTheProjectRoot() {
    Path jar = ApicurioRegistry.runnerJar();
    assertThat(jar).isRegularFile();
    assertThat(jar.toString()).endsWith(ApicurioRegistry.RUNNER_JAR);
  }

  @Test
  void aMissingRunnerJarNamesTheBuildCommand(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("registry-server"));
    System.setProperty(ProjectRoot.PROPERTY, root.toString());

    assertThatThrownBy(ApicurioRegistry::runnerJar)
        .isInstanceOf(StackStartException.class)
        .hasMessageContaining("mvn -pl registry-server package")
        .hasMessageContaining(root.toString());
  }

  @Test
  void aStackAskedForAMissingRegistryFailsBeforeStartingAnything(@TempDir Path root)
      throws Exception {
    Files.createDirectories(root.resolve("registry-server"));
    System.setProperty(ProjectRoot.PROPERTY, root.toString());
    Path workDir = root.resolve("work");

    assertThatThrownBy(() -> EmbeddedStack.builder().workDir(workDir).withRegistry(true).start())
        .isInstanceOf(StackStartException.class)
        .hasMessageContaining("mvn -pl registry-server package");
    assertThat(workDir.resolve("kafka")).doesNotExist();
  }

  @Test
  void projectRootIsTheNearestDirectoryHoldingRegistryServer(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("registry-server"));
    Path nested = Files.createDirectories(root.resolve("stack/src/test"));

    assertThat(ProjectRoot.above(nested)).contains(root);
    assertThat(ProjectRoot.above(root.resolve("registry-server").getParent().getParent()))
        .isEmpty();
  }

  @Test
  void recognisesAServerThatLostItsPortToAnotherProcess() {
    assertThat(
            ApicurioRegistry.lostItsPort(
                "2026-11-21 10:26:53 ERROR <_> [io.quarkus.runtime.ApplicationLifecycleManager] (main) Port 54381 seems to be"
                    + " in use by another process. Quarkus may already be running or the port is used by another application."))
        .isTrue();
    assertThat(ApicurioRegistry.lostItsPort("java.net.BindException: Address already in use"))
        .isTrue();
    assertThat(ApicurioRegistry.lostItsPort("Failed to start application: datasource unreachable"))
        .isFalse();
  }
}
