package io.akkaetcd.watch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The watch and lease cores stay pure: no Akka, gRPC or LevelDB, no clock, no own randomness. */
class PureCoresTest {
  private static JavaClasses cores;

  @BeforeAll
  static void importCores() {
    cores = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.akkaetcd.watch", "io.akkaetcd.lease");
  }

  @Test
  void noFrameworks() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("akka..", "io.grpc..", "org.fusesource..", "org.iq80..", "scala..")
        .check(cores);
  }

  @Test
  void noClockOrRandomness() {
    noClasses().should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .check(cores);
  }
}
