package org.breathgate.protocol.publicapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The public types of a module's packages, read from its compiled classes (a folder, or the jar
 * Failsafe tests against), and the public members through which they would hand out a type that
 * is not API: one that is not public, or lives in an {@code internal} package. Hardware's API test
 * has its own copy: protocol cannot depend on another module's test code.
 */
final class PublicFace {

    private PublicFace() {
    }

    /** Binary names of the public top-level and member types in {@code packageName} (not its subpackages). */
    static TreeSet<String> publicTypes(Class<?> anyClassOfTheModule, String packageName) {
        TreeSet<String> names = new TreeSet<>();
        for (String className : classNames(anyClassOfTheModule, packageName)) {
            Class<?> c = load(className);
            if (isPublicAll(c) && !c.isAnonymousClass() && !c.isLocalClass() && !c.isSynthetic()) {
                names.add(c.getName());
            }
        }
        return names;
    }

    /**
     * Every public or protected member signature of {@code type} that names a Breathgate class that
     * is not API (not public, or in an {@code internal} package).
     */
    static List<String> hiddenTypesInSignatures(Class<?> type) {
        List<String> leaks = new ArrayList<>();
        if (type.getGenericSuperclass() != null) {
            check(type.getName() + " extends", type.getGenericSuperclass(), leaks);
        }
        for (Type t : type.getGenericInterfaces()) {
            check(type.getName() + " implements", t, leaks);
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers())) {
                check(type.getName() + "." + f.getName(), f.getGenericType(), leaks);
            }
        }
        List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredConstructors()));
        executables.addAll(List.of(type.getDeclaredMethods()));
        for (Executable e : executables) {
            if (!visible(e.getModifiers()) || e.isSynthetic()) {
                continue;
            }
            String where = type.getName() + "." + (e instanceof Constructor ? "<init>" : e.getName());
            if (e instanceof Method m) {
                check(where + " returns", m.getGenericReturnType(), leaks);
            }
            for (Type p : e.getGenericParameterTypes()) {
                check(where + " takes", p, leaks);
            }
            for (Type x : e.getGenericExceptionTypes()) {
                check(where + " throws", x, leaks);
            }
        }
        return leaks;
    }

    private static void check(String where, Type type, List<String> leaks) {
        for (Class<?> c : classesIn(type)) {
            if (c.getName().startsWith("org.breathgate.") && (!isPublicAll(c) || c.getName().contains(".internal."))) {
                leaks.add(where + " " + c.getName());
            }
        }
    }

    private static List<Class<?>> classesIn(Type type) {
        List<Class<?>> out = new ArrayList<>();
        if (type instanceof Class<?> c) {
            out.add(c.isArray() ? c.getComponentType() : c);
        } else if (type instanceof ParameterizedType p) {
            out.addAll(classesIn(p.getRawType()));
            for (Type a : p.getActualTypeArguments()) {
                out.addAll(classesIn(a));
            }
        } else if (type instanceof GenericArrayType g) {
            out.addAll(classesIn(g.getGenericComponentType()));
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                out.addAll(classesIn(b));
            }
            for (Type b : w.getLowerBounds()) {
                out.addAll(classesIn(b));
            }
        }
        return out;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static boolean isPublicAll(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PublicFace.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " was listed but cannot be loaded", e);
        }
    }

    private static List<String> classNames(Class<?> anyClassOfTheModule, String packageName) {
        String folder = packageName.replace('.', '/') + "/";
        Path location;
        try {
            location = Path.of(anyClassOfTheModule.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try {
            Stream<String> entries;
            if (Files.isDirectory(location)) {
                Path dir = location.resolve(folder);
                try (Stream<Path> files = Files.list(dir)) {
                    entries = files.map(p -> folder + p.getFileName()).toList().stream();
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    entries = jar.stream().map(e -> e.getName()).toList().stream();
                }
            }
            return entries.filter(n -> n.startsWith(folder) && n.endsWith(".class") && n.indexOf('/', folder.length()) < 0)
                    .filter(n -> !n.endsWith("package-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + " in " + location, e);
        }
    }
}
