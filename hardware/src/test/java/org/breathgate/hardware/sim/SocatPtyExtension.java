package org.breathgate.hardware.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a fresh socat {@link PtyPair} in its own temporary folder, closed (socat
 * stopped, folder removed) after the test. Shared with other modules through the test-jar:
 *
 * <pre>{@code
 * @ExtendWith(SocatPtyExtension.class)
 * class MyIT {
 *     @Test void talks(PtyPair pty) { ... pty.hostEnd() ... pty.deviceEnd() ... }
 * }
 * }</pre>
 */
public final class SocatPtyExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SocatPtyExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == PtyPair.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        try {
            Path dir = Files.createTempDirectory("bg-pty");
            PtyPair pair = PtyPair.create(dir, "pty");
            // JUnit closes AutoCloseable values when the test's store is discarded.
            AutoCloseable cleanup = () -> {
                pair.close();
                deleteTree(dir);
            };
            extension.getStore(NS).put(parameter.getIndex(), cleanup);
            return pair;
        } catch (IOException e) {
            throw new ParameterResolutionException("could not make a socat pty pair: " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
