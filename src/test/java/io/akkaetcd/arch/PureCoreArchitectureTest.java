package io.akkaetcd.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layering (README, Design): the algorithms stay pure (STYLE.md, example 1): the MVCC, Raft,
 * watch, lease and auth cores touch no Akka, gRPC, LevelDB, none of the shell's packages, no wall clock and
 * no shared randomness, so they can be tested deterministically; and no two packages depend on each
 * other, so each layer can be read and changed from the bottom up.
 */
class PureCoreArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.akkaetcd");

  private static final String[] CORES = {
      "io.akkaetcd.mvcc..", "io.akkaetcd.raft..", "io.akkaetcd.watch..", "io.akkaetcd.lease..",
      "io.akkaetcd.auth.."};

  /** The shell: actors, services, transport, storage engines, configuration. */
  private static final String[] SHELL = {
      "io.akkaetcd.server..", "io.akkaetcd.cluster..", "io.akkaetcd.storage..", "io.akkaetcd.store..",
      "io.akkaetcd.grpc..", "io.akkaetcd.config..", "io.akkaetcd.raftlog..", "io.akkaetcd.wal..", "io.akkaetcd.bench..",
      "io.akkaetcd.logging..", "io.akkaetcd.tcpproxy..",
      "akka..", "scala..", "io.grpc..", "org.iq80..", "org.fusesource..", "com.typesafe.config..",
      "java.net..", "java.nio.file.."};

  @Test
  void coresDependOnNothingOfTheShell() {
    noClasses().that().resideInAnyPackage(CORES)
        .should().dependOnClassesThat().resideInAnyPackage(SHELL)
        .check(MAIN);
  }

  @Test
  void coresNeverReadTheClockOrMakeTheirOwnRandomness() {
    noClasses().that().resideInAnyPackage(CORES)
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.LocalDateTime")
        .orShould().callConstructor(java.util.Random.class)
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .check(MAIN);
  }

  /** etcd's layering: the WAL and the transport share the durable Raft formats, neither the other. */
  @Test
  void walAndTransportShareTheRaftFormatsNotEachOther() {
    noClasses().that().resideInAnyPackage("io.akkaetcd.storage..", "io.akkaetcd.wal..")
        .should().dependOnClassesThat().resideInAPackage("io.akkaetcd.cluster..")
        .check(MAIN);
    noClasses().that().resideInAPackage("io.akkaetcd.raftlog..")
        .should().dependOnClassesThat().resideInAnyPackage("io.akkaetcd.cluster..", "io.akkaetcd.storage..",
            "io.akkaetcd.wal..")
        .check(MAIN);
  }

  @Test
  void noCyclesBetweenPackages() {
    slices().matching("io.akkaetcd.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
