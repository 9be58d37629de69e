package io.akkaetcd.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The Raft core stays pure: no Akka, gRPC, storage engine, clock, own randomness or I/O (STYLE.md §1). */
class RaftPurityArchTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.akkaetcd.raft");

    @Test
    void noFrameworksClockOrIo() {
        noClasses().that().resideInAPackage("io.akkaetcd.raft..")
                .should().dependOnClassesThat().resideInAnyPackage("akka..", "io.grpc..", "org.iq80..", "org.fusesource..",
                        "java.time..", "java.io..", "java.net..", "java.nio.file..", "java.util.concurrent..")
                .check(CORE);
        noClasses().that().resideInAPackage("io.akkaetcd.raft..")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .check(CORE);
    }
}
