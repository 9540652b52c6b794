package org.breathgate.agent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.breathgate.testkit.InstalledAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/install.sh with a temporary DESTDIR: the agent's Debian package unpacked there and its own prepare step run
 * (no user is created, no systemctl): the jar, the unpacked native libraries, the wrapper, the unit with the prefix
 * filled in, the folders and their modes; and a second run changes nothing but succeeds (idempotent). The package
 * installed for real with dpkg, upgraded and purged: system-tests' DebianPackagesIT.
 */
@Timeout(180)
class InstallScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path JAR = Path.of(System.getProperty("bg.build.directory", Path.of(System.getProperty("user.dir"), "target").toString()), "breathgate-agent.jar");
    private static final Path DEB = InstalledAgent.debBeside(JAR);

    @TempDir
    Path destdir;

    @Test
    void installs_into_destdir_with_the_right_files_and_modes_and_can_run_again() throws Exception {
        assertTrue(Files.exists(DEB), "the package is built in the package phase: " + DEB);
        ProcessBuilder pb = new ProcessBuilder("sh", ROOT.resolve("packaging/install.sh").toString(), "--deb", DEB.toString(),
                "--arch", "aarch64").redirectErrorStream(true);
        pb.environment().put("DESTDIR", destdir.toString());
        for (int run = 0; run < 2; run++) {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(150, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "run " + run + ":\n" + out);
        }
        Path opt = destdir.resolve("opt/breathgate");
        assertEquals(Files.size(JAR), Files.size(opt.resolve("breathgate-agent.jar")));
        assertEquals("rw-r--r--", mode(opt.resolve("breathgate-agent.jar")));
        assertTrue(Files.size(opt.resolve("native/jserialcomm/libjSerialComm.so")) > 10_000, "jSerialComm for aarch64");
        assertTrue(Files.size(opt.resolve("native/sqlite/libsqlitejdbc.so")) > 100_000, "SQLite for aarch64");
        assertTrue(Files.exists(opt.resolve("native/pi4j/libpi4j-gpiod.so")) && Files.exists(opt.resolve("native/pi4j/libgpiod.so")),
                "Pi4J's gpiod libraries for aarch64");
        assertElf(opt.resolve("native/sqlite/libsqlitejdbc.so"), (byte) 0xB7); // e_machine 183: AArch64

        assertEquals("rwxr-xr-x", mode(destdir.resolve("usr/bin/breathgate-agent")));
        String wrapper = Files.readString(destdir.resolve("usr/bin/breathgate-agent"));
        assertTrue(wrapper.contains("-jar /opt/breathgate/breathgate-agent.jar \"$@\""), wrapper);

        String unit = Files.readString(destdir.resolve("etc/systemd/system/breathgate-agent.service"));
        assertTrue(unit.contains("User=breathgate"), unit);
        assertTrue(unit.contains("Restart=on-failure"), unit);
        assertTrue(unit.contains("ProtectSystem=strict") && unit.contains("ReadWritePaths=/var/lib/breathgate")
                && unit.contains("PrivateTmp=true") && unit.contains("NoNewPrivileges=true"), unit);
        assertTrue(unit.contains("SupplementaryGroups=dialout gpio video audio tss"), unit);
        assertTrue(unit.contains("-DjSerialComm.library.path=/opt/breathgate/native/jserialcomm"), unit);
        assertTrue(unit.contains("-jar /opt/breathgate/breathgate-agent.jar run --config /etc/breathgate/agent.properties"), unit);
        assertTrue(!unit.contains("@PREFIX@"), unit);

        String udev = Files.readString(destdir.resolve("etc/udev/rules.d/60-breathgate-led.rules"));
        assertTrue(udev.contains("KERNEL==\"ACT|led0\"") && udev.contains("chgrp breathgate /sys%p/trigger /sys%p/brightness"),
                "the agent's group may switch the Pi's own LED: " + udev);
        assertTrue(unit.contains("ReadWritePaths=-/sys/class/leds/ACT -/sys/class/leds/led0"), unit);
        assertEquals("rwxr-x---", mode(destdir.resolve("etc/breathgate")));
        assertEquals("rwx------", mode(destdir.resolve("var/lib/breathgate")));
        assertEquals("rwx------", mode(destdir.resolve("var/lib/breathgate/tmp")));
        assertTrue(Files.size(opt.resolve("agent.jsa")) > 1_000_000, "the class-data-sharing archive made with this java");
        String completion = Files.readString(destdir.resolve("usr/share/bash-completion/completions/breathgate-agent"));
        assertTrue(completion.contains("rotate-key"), "bash completion lists the commands");
    }

    @Test
    void an_unknown_architecture_is_refused_with_a_message() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", ROOT.resolve("packaging/install.sh").toString(), "--deb", DEB.toString(),
                "--arch", "sparc64").redirectErrorStream(true);
        pb.environment().put("DESTDIR", destdir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("unsupported architecture sparc64"), out);
    }

    private static void assertElf(Path file, byte machine) throws Exception {
        byte[] head = new byte[20];
        try (var in = Files.newInputStream(file)) {
            assertEquals(20, in.read(head));
        }
        assertEquals(0x7F, head[0]);
        assertEquals('E', head[1]);
        assertEquals(machine, head[18], "ELF machine of " + file);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
