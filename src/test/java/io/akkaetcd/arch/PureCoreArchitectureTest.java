package io.akkaetcd.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The algorithms stay pure (STYLE.md, example 1): the MVCC, Raft, watch, lease and auth cores touch no Akka,
 * gRPC, LevelDB, and no wall clock or shared randomness, so they can be tested deterministically.
 */
class PureCoreArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.akkaetcd.mvcc", "io.akkaetcd.raft", "io.akkaetcd.watch", "io.akkaetcd.lease",
          "io.akkaetcd.auth");

  private static final String[] CORES = {
      "io.akkaetcd.mvcc..", "io.akkaetcd.raft..", "io.akkaetcd.watch..", "io.akkaetcd.lease..",
      "io.akkaetcd.auth.."};

  @Test
  void coresDependOnNoFrameworkOrIo() {
    noClasses().that().resideInAnyPackage(CORES)
        .should().dependOnClassesThat().resideInAnyPackage(
            "akka..", "io.grpc..", "org.iq80..", "org.fusesource..", "java.net..", "java.nio.file..")
        .check(MAIN);
  }

  @Test
  void coresNeverReadTheClockOrMakeTheirOwnRandomness() {
    noClasses().that().resideInAnyPackage(CORES)
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
        .orShould().callConstructor(java.util.Random.class)
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .check(MAIN);
  }
}
