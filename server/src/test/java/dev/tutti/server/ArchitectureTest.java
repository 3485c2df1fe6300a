package dev.tutti.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of docs/architecture.md, checked on the compiled main classes of every
 * module: the module graph is combine-kernels <- engine <- runtimes (cpu-fallback, later gpu) <- server.
 */
class ArchitectureTest {
    private static JavaClasses tutti;

    @BeforeAll
    static void importClasses() {
        // main classes only: neither test-classes folders nor the engine's test-jar (its testing helpers)
        ImportOption mainOnly = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        tutti = new ClassFileImporter().withImportOption(mainOnly).importPackages("dev.tutti");
    }

    @Test
    void combineKernelsDependOnTheJdkOnly() {
        noClasses().that().resideInAPackage("dev.tutti.combine..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.tutti.combine..", "java..", "jdk.incubator.vector..")
                .check(tutti);
    }

    @Test
    void theEngineDependsOnNoRuntimeServerOrNativeLibrary() {
        noClasses().that().resideInAPackage("dev.tutti.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tutti.cpu..", "dev.tutti.gpu..", "dev.tutti.server..",
                        "dev.tutti.transport..", "ai.djl..", "ai.onnxruntime..", "io.netty..", "ml.dmlc..", "com.microsoft.ml..")
                .check(tutti);
    }

    @Test
    void batchingKnowsNothingOfModels() {
        classes().that().resideInAPackage("dev.tutti.batching..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.tutti.batching..", "java..", "com.lmax.disruptor..", "org.agrona..")
                .check(tutti);
    }

    @Test
    void nettyLivesOnlyInTransport() {
        noClasses().that().resideOutsideOfPackage("dev.tutti.transport..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(tutti);
    }

    @Test
    void theWireProtocolCodecsKnowNothingOfNetty() {
        noClasses().that().resideInAPackage("dev.tutti.transport.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "dev.tutti.transport.netty..", "dev.tutti.transport.binary..",
                        "dev.tutti.transport.http..", "dev.tutti.transport.client..")
                .check(tutti);
    }

    @Test
    void transportReachesNoRuntime() {
        noClasses().that().resideInAPackage("dev.tutti.transport..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tutti.cpu..", "dev.tutti.gpu..", "dev.tutti.server..", "ai.djl..",
                        "ai.onnxruntime..")
                .check(tutti);
    }

    @Test
    void djlAndOnnxRuntimeLiveOnlyInTheRuntimesAndTheTrainer() {
        noClasses().that().resideOutsideOfPackages("dev.tutti.cpu..", "dev.tutti.gpu..", "dev.tutti.trainer..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "ai.onnxruntime..")
                .check(tutti);
    }

    @Test
    void onlyTheServerDependsOnTheTrainer() {
        noClasses().that().resideOutsideOfPackages("dev.tutti.trainer..", "dev.tutti.server..")
                .should().dependOnClassesThat().resideInAPackage("dev.tutti.trainer..")
                .check(tutti);
    }

    @Test
    void gpuAndCpuRuntimesNeverSeeEachOther() {
        noClasses().that().resideInAPackage("dev.tutti.cpu..").should().dependOnClassesThat().resideInAPackage("dev.tutti.gpu..")
                .allowEmptyShould(true).check(tutti);
        noClasses().that().resideInAPackage("dev.tutti.gpu..").should().dependOnClassesThat().resideInAPackage("dev.tutti.cpu..")
                .allowEmptyShould(true).check(tutti);
    }

    @Test
    void theServerReachesRuntimesOnlyThroughTheSpi() {
        noClasses().that().resideInAPackage("dev.tutti.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tutti.cpu..", "dev.tutti.gpu..")
                .check(tutti);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.tutti.(**)").should().beFreeOfCycles().check(tutti);
    }
}
