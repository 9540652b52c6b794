package org.breathgate.receiver.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The receiver's rooms as rules the build breaks (docs/receiver.md, "Rooms"). Maven's module graph already keeps ingest and
 * care apart and web above care; these rules say what a module graph cannot: the people's web holds no SQL, only the care
 * gate asks the access policy, decides who receives or may acknowledge an alert, refuses, and appends to the audit log.
 * Read from the compiled main classes of every room (this module sees them all), not from the tests.
 */
class ReceiverArchitectureTest {

    private static final String RECEIVER = "org.breathgate.receiver..";
    private static final String GATE = "org.breathgate.receiver.care.gate..";

    private static JavaClasses classes;

    @BeforeAll
    static void importTheRooms() {
        classes = new ClassFileImporter().withImportOption(ReceiverArchitectureTest::isMainCode).importPackages("org.breathgate.receiver");
    }

    /** Main classes only: not test classes, nor a room's test-jar (shared fixtures). */
    private static boolean isMainCode(Location location) {
        return !location.contains("/test-classes/") && !location.matches(java.util.regex.Pattern.compile(".*-tests\\.jar.*"))
                && new ImportOption.DoNotIncludeTests().includes(location);
    }

    @Test
    void the_rooms_depend_one_way() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("evidence").definedBy("org.breathgate.receiver.evidence..")
                .layer("https").definedBy("org.breathgate.receiver.https..")
                .layer("ingest").definedBy("org.breathgate.receiver.ingest..")
                .layer("care").definedBy("org.breathgate.receiver.care..")
                .layer("web").definedBy("org.breathgate.receiver.web..")
                .layer("app").definedBy("org.breathgate.receiver.app..")
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("web").mayOnlyBeAccessedByLayers("app")
                .whereLayer("ingest").mayOnlyBeAccessedByLayers("app")
                .whereLayer("care").mayOnlyBeAccessedByLayers("web", "app")
                .whereLayer("https").mayOnlyBeAccessedByLayers("ingest", "web", "app")
                .whereLayer("evidence").mayOnlyBeAccessedByLayers("ingest", "care", "web", "app")
                .check(classes);
    }

    @Test
    void ingest_and_care_know_nothing_of_each_other() {
        noClasses().that().resideInAPackage("org.breathgate.receiver.ingest..")
                .should().dependOnClassesThat().resideInAPackage("org.breathgate.receiver.care..")
                .because("devices' evidence comes in whatever people do; app adapts ingest to care's ports")
                .check(classes);
        noClasses().that().resideInAPackage("org.breathgate.receiver.care..")
                .should().dependOnClassesThat().resideInAPackage("org.breathgate.receiver.ingest..")
                .because("care sends to devices through its own port (DownlinkPublisher), which app adapts to ingest")
                .check(classes);
    }

    @Test
    void the_web_holds_no_sql() {
        noClasses().that().resideInAPackage("org.breathgate.receiver.web..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.breathgate.receiver.evidence.db..")
                .orShould().dependOnClassesThat(touchTheDatabase())
                .because("the web asks the care room; the care room asks the database")
                .check(classes);
    }

    @Test
    void the_care_room_serves_no_http() {
        noClasses().that().resideInAPackage("org.breathgate.receiver.care..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..")
                .check(classes);
    }

    @Test
    void only_the_gate_decides_access() {
        noClasses().that().resideInAPackage(RECEIVER).and().resideOutsideOfPackage(GATE)
                .should().dependOnClassesThat().haveFullyQualifiedName("org.breathgate.care.access.AccessPolicy")
                .orShould().callMethodWhere(alertEngine("mayReceive", "mayAcknowledge"))
                .because("every read, export, change and refusal is decided (and audited) in one place: CareGate's Visit")
                .check(classes);
    }

    @Test
    void only_the_gate_refuses() {
        noClasses().that().resideInAPackage(RECEIVER).and().resideOutsideOfPackage(GATE)
                .should().callConstructorWhere(owner("org.breathgate.care.access.AccessDeniedException"))
                .because("a refusal thrown past the gate would not be audited")
                .check(classes);
    }

    @Test
    void only_the_gate_appends_to_the_audit_log() {
        noClasses().that().resideInAPackage(RECEIVER).and().resideOutsideOfPackage(GATE)
                .should().callMethodWhere(ownerAndName("org.breathgate.care.audit.AuditChain", Set.of("append")))
                .orShould().callMethodWhere(ownerAndName("org.breathgate.receiver.care.gate.AuditLog", Set.of("append")))
                .because("the gate records what it decided, in the same transaction as the work (others may build the log,"
                        + " verify it and anchor it, not add to it)")
                .check(classes);
    }

    @Test
    void no_package_cycles_within_a_room() {
        slices().matching("org.breathgate.receiver.(*).(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * An evidence-room class that itself speaks JDBC (a store, a reader): the web may use that room's values (a device, a
     * status, an issued code), and the care room's services, which do their own SQL.
     */
    private static DescribedPredicate<JavaClass> touchTheDatabase() {
        return DescribedPredicate.describe("are evidence stores speaking JDBC", c -> c.getPackageName().startsWith("org.breathgate.receiver.evidence")
                && c.getDirectDependenciesFromSelf().stream().anyMatch(d -> d.getTargetClass().getPackageName().startsWith("java.sql")));
    }

    private static DescribedPredicate<JavaCall<?>> alertEngine(String... methods) {
        return ownerAndName("org.breathgate.care.alert.AlertEngine", Set.of(methods));
    }

    private static DescribedPredicate<JavaCall<?>> ownerAndName(String owner, Set<String> names) {
        return DescribedPredicate.describe(owner + "." + names, call -> call.getTargetOwner().getFullName().equals(owner)
                && names.contains(call.getName()));
    }

    private static DescribedPredicate<JavaCall<?>> owner(String owner) {
        return DescribedPredicate.describe("new " + owner, call -> call.getTargetOwner().getFullName().equals(owner));
    }
}
