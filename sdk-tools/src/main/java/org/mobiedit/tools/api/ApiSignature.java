package org.mobiedit.tools.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The public API of a library as text: one line per type, constructor, method and field that code outside it can
 * use (public, or protected in a type that can be extended), each type followed by its members, in the form {@code kind key: attributes}. The key
 * names the element as the JVM links it (a method's erased parameter types); the attributes are what a caller or an
 * implementer relies on (modifiers, types with their generics, supertypes, a constant's value). Kept in a file per
 * release, it is what {@link ApiCompatibility} compares, as Android libraries keep Metalava signature files.
 */
public final class ApiSignature {
  /** Each type's line, then its fields, constructors and methods; types by name. */
  private static final java.util.Comparator<String> BY_TYPE = java.util.Comparator
      .comparing(ApiSignature::ownerOf)
      .thenComparing(ApiSignature::kindOrder)
      .thenComparing(java.util.Comparator.naturalOrder());

  private final Map<String, String> elements;

  private ApiSignature(Map<String, String> elements) {
    this.elements = elements;
  }

  private static String ownerOf(String key) {
    int space = key.indexOf(' ');
    int end = key.length();
    for (char c : new char[] {'#', '('}) {
      int i = key.indexOf(c);
      if (i > space && i < end) {
        end = i;
      }
    }
    return key.substring(space + 1, end);
  }

  private static int kindOrder(String key) {
    return key.startsWith("type ") ? 0 : key.startsWith("field ") ? 1 : key.startsWith("constructor ") ? 2 : 3;
  }

  /** Key → attributes, each type followed by its members. */
  public Map<String, String> elements() {
    return elements;
  }

  /** The signature of every class of {@code packages} (not their subpackages) in the jar or folder holding {@code anchor}. */
  public static ApiSignature of(Class<?> anchor, List<String> packages) {
    Map<String, String> out = new TreeMap<>(BY_TYPE);
    for (String name : classNames(codeSource(anchor), packages)) {
      Class<?> c;
      try {
        c = Class.forName(name, false, anchor.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      if (visibleType(c)) {
        add(c, out);
      }
    }
    return new ApiSignature(out);
  }

  /** Reads a signature written by {@link #write}; lines starting with {@code #} and blank lines are skipped. */
  public static ApiSignature read(Path file) throws IOException {
    try {
      return parse(Files.readAllLines(file));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** The signature in {@code lines}, as {@link #text} writes them. */
  public static ApiSignature parse(List<String> lines) {
    Map<String, String> out = new TreeMap<>(BY_TYPE);
    for (String line : lines) {
      if (line.trim().isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(": ");
      if (colon < 0) {
        throw new IllegalArgumentException("not a signature line: " + line);
      }
      out.put(line.substring(0, colon), line.substring(colon + 2));
    }
    return new ApiSignature(out);
  }

  /** The text of the file: {@code header} as comment lines, then one element per line. */
  public String text(String header) {
    StringBuilder sb = new StringBuilder();
    for (String h : header.split("\n", -1)) {
      sb.append("# ").append(h).append('\n');
    }
    elements.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    return sb.toString();
  }

  /** Writes {@link #text} to {@code file}. */
  public void write(Path file, String header) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, text(header).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  // ---- reading the classes -----------------------------------------------------------------------------------------

  private static Path codeSource(Class<?> anchor) {
    try {
      return Paths.get(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> classNames(Path source, List<String> packages) {
    List<String> names = new ArrayList<>();
    try {
      if (Files.isDirectory(source)) {
        for (String p : packages) {
          Path dir = source.resolve(p.replace('.', '/'));
          if (!Files.isDirectory(dir)) {
            continue;
          }
          try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).filter(ApiSignature::isClassFile)
                .forEach(f -> names.add(p + "." + f.substring(0, f.length() - ".class".length())));
          }
        }
      } else {
        try (JarFile jar = new JarFile(source.toFile())) {
          for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            String entry = e.nextElement().getName();
            int slash = entry.lastIndexOf('/');
            if (slash > 0 && isClassFile(entry.substring(slash + 1))
                && packages.contains(entry.substring(0, slash).replace('/', '.'))) {
              names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  private static boolean isClassFile(String file) {
    return file.endsWith(".class") && !file.equals("package-info.class") && !file.equals("module-info.class");
  }

  // ---- what is visible ---------------------------------------------------------------------------------------------

  /** A type code outside the library can name: public, and every enclosing type public too. */
  private static boolean visibleType(Class<?> c) {
    if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) {
      return false;
    }
    for (Class<?> t = c; t != null; t = t.getDeclaringClass()) {
      if (!Modifier.isPublic(t.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  /** Public members, and protected ones where a subclass outside the library can exist. */
  private static boolean visibleMember(Class<?> owner, Member m) {
    int mod = m.getModifiers();
    if (m.isSynthetic() || (m instanceof Method && ((Method) m).isBridge())) {
      return false;
    }
    return Modifier.isPublic(mod) || (Modifier.isProtected(mod) && extendable(owner));
  }

  private static boolean extendable(Class<?> c) {
    if (Modifier.isFinal(c.getModifiers()) || c.isEnum() || c.isRecord()) {
      return false;
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())) {
        return true;
      }
    }
    return c.isInterface();
  }

  // ---- lines -------------------------------------------------------------------------------------------------------

  private static void add(Class<?> c, Map<String, String> out) {
    String name = c.getName();
    StringBuilder t = new StringBuilder(modifiers(c.getModifiers() & ~Modifier.INTERFACE & ~Modifier.STATIC))
        .append(kind(c));
    Type sup = c.getGenericSuperclass();
    if (sup != null && !c.isInterface() && !c.isEnum() && !c.isRecord() && sup != Object.class) {
      t.append(" extends ").append(sup.getTypeName());
    }
    Type[] interfaces = c.getGenericInterfaces();
    if (interfaces.length > 0 && !c.isAnnotation()) {
      List<String> names = new ArrayList<>();
      for (Type i : interfaces) {
        names.add(i.getTypeName());
      }
      names.sort(null);
      t.append(c.isInterface() ? " extends " : " implements ").append(String.join(", ", names));
    }
    out.put("type " + name, t.toString().trim());
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (visibleMember(c, k) && !(c.isEnum())) {
        out.put("constructor " + name + "(" + parameters(k) + ")", modifiers(k.getModifiers()).trim());
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (visibleMember(c, m) && !enumBoilerplate(c, m)) {
        int mod = m.getModifiers();
        if (c.isInterface() && !Modifier.isStatic(mod) && !Modifier.isAbstract(mod)) {
          mod |= DEFAULT;
        }
        out.put("method " + name + "#" + m.getName() + "(" + parameters(m) + ")",
            (modifiers(mod) + typeParameters(m) + m.getGenericReturnType().getTypeName()).trim());
      }
    }
    for (Field f : c.getDeclaredFields()) {
      if (visibleMember(c, f)) {
        out.put("field " + name + "#" + f.getName(), (modifiers(f.getModifiers()) + f.getGenericType().getTypeName()
            + constant(f)).trim());
      }
    }
  }

  /** {@code values()} and {@code valueOf(String)}, which every enum has. */
  private static boolean enumBoilerplate(Class<?> c, Method m) {
    return c.isEnum() && ((m.getName().equals("values") && m.getParameterCount() == 0)
        || (m.getName().equals("valueOf") && m.getParameterCount() == 1
            && m.getParameterTypes()[0] == String.class));
  }

  /** A marker of an interface's default method in {@link #modifiers} (a bit {@link Modifier} does not use). */
  private static final int DEFAULT = 1 << 30;

  private static String modifiers(int mod) {
    StringBuilder sb = new StringBuilder();
    if (Modifier.isPublic(mod)) {
      sb.append("public ");
    }
    if (Modifier.isProtected(mod)) {
      sb.append("protected ");
    }
    if (Modifier.isAbstract(mod)) {
      sb.append("abstract ");
    }
    if ((mod & DEFAULT) != 0) {
      sb.append("default ");
    }
    if (Modifier.isStatic(mod)) {
      sb.append("static ");
    }
    if (Modifier.isFinal(mod)) {
      sb.append("final ");
    }
    return sb.toString();
  }

  private static String kind(Class<?> c) {
    if (c.isAnnotation()) {
      return "@interface";
    }
    if (c.isInterface()) {
      return "interface";
    }
    if (c.isEnum()) {
      return "enum";
    }
    if (c.isRecord()) {
      return "record";
    }
    return "class";
  }

  private static String parameters(Executable e) {
    List<String> names = new ArrayList<>();
    for (Class<?> p : e.getParameterTypes()) {
      names.add(p.getTypeName());
    }
    return String.join(",", names);
  }

  private static String typeParameters(Method m) {
    if (m.getTypeParameters().length == 0) {
      return "";
    }
    List<String> names = new ArrayList<>();
    for (java.lang.reflect.TypeVariable<Method> v : m.getTypeParameters()) {
      StringBuilder sb = new StringBuilder(v.getName());
      Type[] bounds = v.getBounds();
      if (bounds.length > 0 && bounds[0] != Object.class) {
        List<String> b = new ArrayList<>();
        for (Type t : bounds) {
          b.add(t.getTypeName());
        }
        sb.append(" extends ").append(String.join(" & ", b));
      }
      names.add(sb.toString());
    }
    return "<" + String.join(", ", names) + "> ";
  }

  /** {@code " = value"} for a compile-time constant (callers inline it, so a new value is a change they miss). */
  private static String constant(Field f) {
    int mod = f.getModifiers();
    if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod)
        || !(f.getType().isPrimitive() || f.getType() == String.class)) {
      return "";
    }
    try {
      Object v = f.get(null);
      return " = " + (v instanceof String ? '"' + ((String) v).replace("\n", "\\n") + '"' : String.valueOf(v));
    } catch (IllegalAccessException e) {
      return "";
    }
  }
}
