import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Build-time TL code generator, run by Maven (exec-maven-plugin) as a single-file Java program in
 * the generate-sources phase. Each {@code --schema package=file[;option...]} becomes one Java
 * package: a record per constructor and function, a sealed-free marker interface per boxed type
 * (named {@code T<Type>}), a {@code Schema} class holding the id registry, and a
 * {@code FunctionNames} class naming each function by id (metrics). Several schemas
 * (the MTProto service schema and each API layer) coexist in their own packages.
 *
 * <p>Schema options, separated by {@code ;}:
 * <ul>
 *   <li>{@code strings=bytes}: TL {@code string} fields become {@code byte[]} (MTProto, whose
 *       strings carry binary big numbers).</li>
 *   <li>{@code skip=name1,name2,...}: leave out the named declarations (constructors or functions,
 *       by full TL name). Used for tdlib's {@code telegram_api.tl} (layers 222, 228), which carries
 *       entries that are not part of the official API: the {@code invokeWith...Prefix} functions
 *       that reuse the id of the real {@code invokeWith...} function, the entries copied from
 *       {@code mtproto.tl} ({@code ipPort}, {@code ipPortSecret}, {@code accessPointRule},
 *       {@code help.configSimple}) and tdlib's legacy constructors. Every listed name must exist in
 *       the file, so a stale list fails the build instead of silently skipping nothing.</li>
 *   <li>{@code extra=file}: also read the declarations of another TL file, appended after the
 *       schema's own. Used to add back {@code null#56730bcc = Null;}, which tdlib leaves out.</li>
 * </ul>
 * The skip list is explicit by design: there is no "drop the second declaration with a known id"
 * rule. Instead an id or name declared twice in one schema (after skipping) fails generation, so a
 * new tdlib layer that adds another clashing entry is noticed at build time, not when
 * {@code Schema.REGISTRY} is first initialised. Declarations without an {@code #id} (built-in types
 * such as {@code int ? = Int;}, tdlib's {@code test.*} functions) are never on the wire and are
 * ignored, as are the runtime built-ins {@code boolFalse}, {@code boolTrue}, {@code true} and
 * {@code vector}.
 *
 * Usage: java TlGenerator.java --out DIR --schema pkg=file[;strings=bytes][;skip=a,b][;extra=file] ...
 */
public class TlGenerator {

    /** Types the runtime handles itself; their constructors get no class. */
    static final Set<String> SKIPPED_CONSTRUCTORS = Set.of("boolFalse", "boolTrue", "true", "vector");

    static final Set<String> JAVA_KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte",
            "case", "catch", "char", "class", "const", "continue", "default", "do", "double", "else",
            "enum", "extends", "final", "finally", "float", "for", "goto", "if", "implements", "import",
            "instanceof", "int", "interface", "long", "native", "new", "package", "private", "protected",
            "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
            "throw", "throws", "transient", "try", "void", "volatile", "while", "var", "record", "yield",
            "sealed", "permits", "null", "true", "false", "_");

    record Param(String name, String type, String flagField, int flagBit) {
        boolean conditional() {
            return flagField != null;
        }
    }

    record Combinator(String name, int id, List<Param> params, Set<String> generics, String result,
                      boolean function) {
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        List<String[]> schemas = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--schema" -> {
                    String spec = args[++i];
                    int eq = spec.indexOf('=');
                    schemas.add(new String[] {spec.substring(0, eq), spec.substring(eq + 1)});
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (out == null || schemas.isEmpty()) {
            throw new IllegalArgumentException("usage: --out DIR --schema pkg=file[;strings=bytes] ...");
        }
        for (String[] s : schemas) {
            String[] fileAndOpts = s[1].split(";");
            boolean stringsAsBytes = false;
            Set<String> skip = new java.util.LinkedHashSet<>();
            List<Path> extras = new ArrayList<>();
            for (int i = 1; i < fileAndOpts.length; i++) {
                String opt = fileAndOpts[i].trim();
                if (opt.equals("strings=bytes")) {
                    stringsAsBytes = true;
                } else if (opt.startsWith("skip=")) {
                    for (String name : opt.substring(5).split(",")) {
                        if (!name.isBlank()) {
                            skip.add(name.trim());
                        }
                    }
                } else if (opt.startsWith("extra=")) {
                    extras.add(Path.of(opt.substring(6).trim()));
                } else {
                    throw new IllegalArgumentException("unknown schema option " + opt);
                }
            }
            Path file = Path.of(fileAndOpts[0].trim());
            List<Combinator> combinators = parse(Files.readString(file, StandardCharsets.UTF_8));
            for (Path extra : extras) {
                combinators.addAll(parse(Files.readString(extra, StandardCharsets.UTF_8)));
            }
            combinators = applySkips(combinators, skip, file);
            checkUniqueIds(combinators, file);
            new PackageWriter(out, s[0], combinators, stringsAsBytes, file.getFileName().toString()).write();
        }
    }

    /** Drops the declarations named in {@code skip}; every name must be present. */
    static List<Combinator> applySkips(List<Combinator> combinators, Set<String> skip, Path file) {
        if (skip.isEmpty()) {
            return combinators;
        }
        Set<String> unused = new java.util.LinkedHashSet<>(skip);
        List<Combinator> kept = new ArrayList<>();
        for (Combinator c : combinators) {
            if (skip.contains(c.name())) {
                unused.remove(c.name());
            } else {
                kept.add(c);
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalStateException("skip names not declared in " + file + ": " + unused);
        }
        return kept;
    }

    /** An id-keyed registry can hold each id once; fail here rather than in Schema's initialiser. */
    static void checkUniqueIds(List<Combinator> combinators, Path file) {
        Map<Integer, String> seen = new HashMap<>();
        for (Combinator c : combinators) {
            String prior = seen.putIfAbsent(c.id(), c.name());
            if (prior != null) {
                throw new IllegalStateException(String.format(
                        "%s: id %08x declared by both %s and %s (add one to the schema's skip= list)",
                        file, c.id(), prior, c.name()));
            }
        }
    }

    // ---------------------------------------------------------------- parsing

    static List<Combinator> parse(String text) {
        List<Combinator> result = new ArrayList<>();
        boolean functions = false;
        StringBuilder pending = new StringBuilder();
        for (String rawLine : text.split("\n")) {
            String line = rawLine;
            int comment = line.indexOf("//");
            if (comment >= 0) {
                line = line.substring(0, comment);
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("---functions---")) {
                functions = true;
                continue;
            }
            if (line.equals("---types---")) {
                functions = false;
                continue;
            }
            pending.append(' ').append(line);
            int semi;
            while ((semi = pending.indexOf(";")) >= 0) {
                String decl = pending.substring(0, semi).trim();
                pending.delete(0, semi + 1);
                Combinator c = parseDeclaration(decl, functions);
                if (c != null) {
                    result.add(c);
                }
            }
        }
        return result;
    }

    static Combinator parseDeclaration(String decl, boolean function) {
        int eq = decl.lastIndexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("no '=' in TL declaration: " + decl);
        }
        String result = decl.substring(eq + 1).trim();
        String[] tokens = decl.substring(0, eq).trim().split("\\s+");
        String head = tokens[0];
        int hash = head.indexOf('#');
        if (hash < 0) {
            return null; // built-in or id-less (tdlib test) declaration: not on the wire
        }
        String name = head.substring(0, hash);
        if (SKIPPED_CONSTRUCTORS.contains(name)) {
            return null;
        }
        int id = (int) Long.parseLong(head.substring(hash + 1), 16);
        List<Param> params = new ArrayList<>();
        Set<String> generics = new java.util.HashSet<>();
        for (int i = 1; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.startsWith("{")) {
                generics.add(t.substring(1, t.indexOf(':')));
                continue;
            }
            int colon = t.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("unsupported parameter '" + t + "' in " + decl);
            }
            String pname = t.substring(0, colon);
            String ptype = t.substring(colon + 1);
            String flagField = null;
            int flagBit = -1;
            int q = ptype.indexOf('?');
            if (q >= 0) {
                String cond = ptype.substring(0, q);
                int dot = cond.indexOf('.');
                flagField = cond.substring(0, dot);
                flagBit = Integer.parseInt(cond.substring(dot + 1));
                ptype = ptype.substring(q + 1);
            }
            params.add(new Param(pname, ptype, flagField, flagBit));
        }
        return new Combinator(name, id, params, generics, result, function);
    }

    // ---------------------------------------------------------------- naming

    static String className(String tlName) {
        StringBuilder sb = new StringBuilder();
        for (String part : tlName.split("[._]")) {
            if (!part.isEmpty()) {
                sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return sb.toString();
    }

    static String typeInterfaceName(String tlType) {
        return "T" + className(tlType);
    }

    static String fieldName(String tlName) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char ch : tlName.toCharArray()) {
            if (ch == '_') {
                upper = sb.length() > 0;
            } else {
                sb.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        String n = sb.toString();
        return JAVA_KEYWORDS.contains(n) ? n + "_" : n;
    }

    // ---------------------------------------------------------------- writing

    static final class PackageWriter {
        final Path outRoot;
        final String pkg;
        final List<Combinator> combinators;
        final boolean stringsAsBytes;
        final String source;
        final Map<String, Combinator> constructorsByName = new HashMap<>();
        final Map<String, List<Combinator>> constructorsByType = new TreeMap<>();
        final Map<String, String> classNames = new HashMap<>();

        PackageWriter(Path outRoot, String pkg, List<Combinator> combinators, boolean stringsAsBytes,
                      String source) {
            this.outRoot = outRoot;
            this.pkg = pkg;
            this.combinators = combinators;
            this.stringsAsBytes = stringsAsBytes;
            this.source = source;
            Map<String, String> used = new HashMap<>();
            for (Combinator c : combinators) {
                String cls = className(c.name());
                String prior = used.putIfAbsent(cls.toLowerCase(Locale.ROOT), c.name());
                if (prior != null) {
                    throw new IllegalStateException("class name clash: " + prior + " and " + c.name());
                }
                if (cls.equals("Schema") || cls.equals("FunctionNames")) {
                    throw new IllegalStateException("class name reserved by the generator: " + c.name());
                }
                classNames.put(c.name(), cls);
                if (!c.function()) {
                    if (constructorsByName.put(c.name(), c) != null) {
                        throw new IllegalStateException("constructor defined twice: " + c.name());
                    }
                    constructorsByType.computeIfAbsent(c.result(), k -> new ArrayList<>()).add(c);
                }
            }
            for (String type : constructorsByType.keySet()) {
                String iface = typeInterfaceName(type);
                if (used.containsKey(iface.toLowerCase(Locale.ROOT))) {
                    throw new IllegalStateException("type interface clash: " + iface);
                }
            }
        }

        void write() throws IOException {
            Path dir = outRoot.resolve(pkg.replace('.', '/'));
            Files.createDirectories(dir);
            for (String type : constructorsByType.keySet()) {
                String iface = typeInterfaceName(type);
                String body = header()
                        + "/** TL boxed type {@code " + type + "}. */\n"
                        + "public interface " + iface + " extends io.mtgate.tl.TlObject {\n}\n";
                writeIfChanged(dir.resolve(iface + ".java"), body);
            }
            for (Combinator c : combinators) {
                writeIfChanged(dir.resolve(classNames.get(c.name()) + ".java"), combinatorClass(c));
            }
            writeIfChanged(dir.resolve("Schema.java"), schemaClass());
            writeIfChanged(dir.resolve("FunctionNames.java"), functionNamesClass());
        }

        /**
         * The TL name of each function by id, for metrics and logs: a switch rather than a map, so
         * asking costs no class initialisation and loads none of the schema's records.
         */
        String functionNamesClass() {
            StringBuilder sb = new StringBuilder(header());
            sb.append("/** The TL name of every function of ").append(source).append(", by id. */\n");
            sb.append("public final class FunctionNames {\n");
            sb.append("    private FunctionNames() {\n    }\n\n");
            sb.append("    /** The function's TL name (e.g. {@code help.getConfig}), or null for any other id. */\n");
            sb.append("    public static String of(int id) {\n        return switch (id) {\n");
            for (Combinator c : combinators) {
                if (c.function()) {
                    sb.append("            case 0x").append(String.format("%08x", c.id())).append(" -> \"")
                            .append(c.name()).append("\";\n");
                }
            }
            sb.append("            default -> null;\n        };\n    }\n}\n");
            return sb.toString();
        }

        /**
         * Leaves an unchanged file (and its timestamp) alone, so a build without a clean does not
         * see ~10,000 "changed" generated sources and recompile the whole module.
         */
        static void writeIfChanged(Path file, String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
                return;
            }
            Files.write(file, bytes);
        }

        String header() {
            return "// Generated from " + source + " by src/build/TlGenerator.java. Do not edit.\n"
                    + "package " + pkg + ";\n\n";
        }

        /**
         * The registry maps each id to a small {@code $Decoder(id, chunk)} value (a name no TL class
         * can take) whose switch calls the record's {@code deserializeBare}. Not a method reference per constructor: each of
         * those is spun into a hidden class when the registry is built (about 2,500 per API layer,
         * half of a second of CPU), and it loads and links every record of the layer at once. With
         * the switch, building the registry loads only this class, and a record is loaded the
         * first time its constructor is decoded.
         */
        String schemaClass() {
            StringBuilder sb = new StringBuilder(header());
            sb.append("/** Every constructor and function of ").append(source).append(", by id. */\n");
            sb.append("public final class Schema {\n");
            sb.append("    private Schema() {\n    }\n\n");
            sb.append("    public static final io.mtgate.tl.TlRegistry REGISTRY;\n\n");
            int chunks = (combinators.size() + 399) / 400;
            sb.append("    static {\n");
            sb.append("        io.mtgate.tl.TlRegistry.Builder b = io.mtgate.tl.TlRegistry.builder();\n");
            for (int i = 0; i < chunks; i++) {
                sb.append("        register").append(i).append("(b);\n");
            }
            sb.append("        REGISTRY = b.build();\n    }\n\n");
            sb.append("    private record $Decoder(int id, int chunk) implements io.mtgate.tl.TlDecoder {\n");
            sb.append("        @Override\n");
            sb.append("        public io.mtgate.tl.TlObject decode(io.mtgate.tl.TlReader r) {\n");
            sb.append("            return switch (chunk) {\n");
            for (int i = 0; i < chunks; i++) {
                sb.append("                case ").append(i).append(" -> decode").append(i).append("(id, r);\n");
            }
            sb.append("                default -> throw new IllegalStateException();\n");
            sb.append("            };\n        }\n    }\n");
            // Split so no method approaches the JVM's 64 KiB code limit on large API layers.
            for (int i = 0; i < chunks; i++) {
                List<Combinator> part = combinators.subList(i * 400, Math.min(combinators.size(), (i + 1) * 400));
                sb.append("\n    private static void register").append(i)
                        .append("(io.mtgate.tl.TlRegistry.Builder b) {\n");
                for (Combinator c : part) {
                    sb.append("        b.add(0x").append(String.format("%08x", c.id())).append(", new $Decoder(0x")
                            .append(String.format("%08x", c.id())).append(", ").append(i).append("));\n");
                }
                sb.append("    }\n");
                sb.append("\n    private static io.mtgate.tl.TlObject decode").append(i)
                        .append("(int id, io.mtgate.tl.TlReader r) {\n        return switch (id) {\n");
                for (Combinator c : part) {
                    sb.append("            case 0x").append(String.format("%08x", c.id())).append(" -> ")
                            .append(classNames.get(c.name())).append(".deserializeBare(r);\n");
                }
                sb.append("            default -> throw new IllegalStateException(\"not in this chunk: \" + id);\n");
                sb.append("        };\n    }\n");
            }
            sb.append("}\n");
            return sb.toString();
        }

        String combinatorClass(Combinator c) {
            String cls = classNames.get(c.name());
            List<Param> fields = new ArrayList<>();
            Set<String> flagFields = new java.util.LinkedHashSet<>();
            for (Param p : c.params()) {
                if (p.type().equals("#")) {
                    flagFields.add(p.name());
                } else {
                    fields.add(p);
                }
            }
            StringBuilder sb = new StringBuilder(header());
            sb.append("/** {@code ").append(c.name()).append('#').append(String.format("%08x", c.id()))
                    .append("} ").append(c.function() ? "(function) " : "").append("of type {@code ")
                    .append(c.result().replace("<", "&lt;").replace(">", "&gt;")).append("}. */\n");
            sb.append("public record ").append(cls).append('(');
            for (int i = 0; i < fields.size(); i++) {
                Param p = fields.get(i);
                sb.append(i == 0 ? "" : ", ").append(javaType(p, c)).append(' ').append(fieldName(p.name()));
            }
            sb.append(") implements ");
            sb.append(c.function() ? "io.mtgate.tl.TlFunction" : typeInterfaceName(c.result()));
            sb.append(" {\n");
            sb.append("    public static final int CONSTRUCTOR_ID = 0x").append(String.format("%08x", c.id()))
                    .append(";\n\n");

            // Compact constructor: required references non-null, fixed-size nonces of their size.
            StringBuilder checks = new StringBuilder();
            for (Param p : fields) {
                String f = fieldName(p.name());
                String jt = javaType(p, c);
                if (isPrimitive(jt)) {
                    continue;
                }
                if (!p.conditional()) {
                    if (p.type().equals("int128") || p.type().equals("int256")) {
                        checks.append("        io.mtgate.tl.TlChecks.fixed(").append(f).append(", ")
                                .append(p.type().equals("int128") ? 16 : 32).append(", \"").append(f)
                                .append("\");\n");
                    } else {
                        checks.append("        java.util.Objects.requireNonNull(").append(f).append(", \"")
                                .append(f).append("\");\n");
                    }
                }
                if (jt.startsWith("java.util.List")) {
                    checks.append("        ").append(f).append(" = ").append(f).append(" == null ? null : java.util.List.copyOf(")
                            .append(f).append(");\n");
                }
            }
            if (checks.length() > 0) {
                sb.append("    public ").append(cls).append(" {\n").append(checks).append("    }\n\n");
            }

            sb.append("    @Override\n    public int constructorId() {\n        return CONSTRUCTOR_ID;\n    }\n\n");

            // serializeBare
            sb.append("    @Override\n    public void serializeBare(io.mtgate.tl.TlWriter $w) {\n");
            for (Param p : c.params()) {
                if (p.type().equals("#")) {
                    sb.append("        int ").append(flagVar(p.name())).append(" = 0;\n");
                    for (Param q : fields) {
                        if (p.name().equals(q.flagField())) {
                            String f = fieldName(q.name());
                            String cond = q.type().equals("true") ? f : f + " != null";
                            sb.append("        if (").append(cond).append(") {\n            ")
                                    .append(flagVar(p.name())).append(" |= ").append(1 << q.flagBit())
                                    .append(";\n        }\n");
                        }
                    }
                    sb.append("        $w.writeInt(").append(flagVar(p.name())).append(");\n");
                    continue;
                }
                if (p.type().equals("true")) {
                    continue;
                }
                String f = fieldName(p.name());
                String write = writeExpr(p.type(), f, c, "$w");
                if (p.conditional()) {
                    sb.append("        if (").append(f).append(" != null) {\n            ").append(write)
                            .append(";\n        }\n");
                } else {
                    sb.append("        ").append(write).append(";\n");
                }
            }
            sb.append("    }\n\n");

            // deserializeBare
            sb.append("    public static ").append(cls).append(" deserializeBare(io.mtgate.tl.TlReader $r) {\n");
            for (Param p : c.params()) {
                if (p.type().equals("#")) {
                    sb.append("        int ").append(flagVar(p.name())).append(" = $r.readInt();\n");
                    continue;
                }
                String f = "_" + fieldName(p.name());
                String jt = javaType(p, c);
                if (p.type().equals("true")) {
                    sb.append("        boolean ").append(f).append(" = (").append(flagVar(p.flagField()))
                            .append(" & ").append(1 << p.flagBit()).append(") != 0;\n");
                } else if (p.conditional()) {
                    sb.append("        ").append(jt).append(' ').append(f).append(" = (")
                            .append(flagVar(p.flagField())).append(" & ").append(1 << p.flagBit())
                            .append(") != 0 ? ").append(readExpr(p.type(), c, "$r")).append(" : null;\n");
                } else {
                    sb.append("        ").append(jt).append(' ').append(f).append(" = ")
                            .append(readExpr(p.type(), c, "$r")).append(";\n");
                }
            }
            sb.append("        return new ").append(cls).append('(');
            for (int i = 0; i < fields.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append('_').append(fieldName(fields.get(i).name()));
            }
            sb.append(");\n    }\n");

            // toString without byte dumps: byte arrays show their length only.
            sb.append("\n    @Override\n    public String toString() {\n        return \"").append(c.name())
                    .append("{\"");
            for (int i = 0; i < fields.size(); i++) {
                Param p = fields.get(i);
                String f = fieldName(p.name());
                sb.append("\n                + \"").append(i == 0 ? "" : ", ").append(f).append("=\" + ");
                if (javaType(p, c).equals("byte[]")) {
                    sb.append("(").append(f).append(" == null ? \"null\" : \"<\" + ").append(f)
                            .append(".length + \" bytes>\")");
                } else {
                    sb.append(f);
                }
            }
            sb.append("\n                + \"}\";\n    }\n}\n");
            return sb.toString();
        }

        static String flagVar(String flagField) {
            return "$" + flagField;
        }

        static boolean isPrimitive(String jt) {
            return jt.equals("int") || jt.equals("long") || jt.equals("double") || jt.equals("boolean");
        }

        String javaType(Param p, Combinator c) {
            String t = elementType(p.type(), c);
            if (p.conditional() && !p.type().equals("true")) {
                return boxedPrimitive(t);
            }
            return t;
        }

        static String boxedPrimitive(String t) {
            return switch (t) {
                case "int" -> "java.lang.Integer";
                case "long" -> "java.lang.Long";
                case "double" -> "java.lang.Double";
                case "boolean" -> "java.lang.Boolean";
                default -> t;
            };
        }

        String elementType(String t, Combinator c) {
            switch (t) {
                case "int": return "int";
                case "long": return "long";
                case "double": return "double";
                case "int128":
                case "int256":
                case "bytes": return "byte[]";
                case "string": return stringsAsBytes ? "byte[]" : "java.lang.String";
                case "Bool":
                case "true": return "boolean";
                case "Object": return "io.mtgate.tl.TlObject";
                default: break;
            }
            if (t.startsWith("!") || c.generics().contains(t)) {
                return "io.mtgate.tl.TlObject";
            }
            String inner = vectorElement(t);
            if (inner != null) {
                return "java.util.List<" + boxedPrimitive(elementType(inner, c)) + ">";
            }
            if (t.startsWith("%")) {
                return classNames.get(singleConstructor(t.substring(1)).name());
            }
            if (constructorsByName.containsKey(t)) {
                return classNames.get(t); // bare reference to one constructor
            }
            if (constructorsByType.containsKey(t)) {
                return typeInterfaceName(t);
            }
            throw new IllegalStateException("unknown TL type " + t + " in " + c.name());
        }

        static String vectorElement(String t) {
            if ((t.startsWith("Vector<") || t.startsWith("vector<")) && t.endsWith(">")) {
                return t.substring(7, t.length() - 1);
            }
            return null;
        }

        Combinator singleConstructor(String type) {
            List<Combinator> cs = constructorsByType.get(type);
            if (cs == null || cs.size() != 1) {
                throw new IllegalStateException("bare type %" + type + " needs exactly one constructor");
            }
            return cs.get(0);
        }

        String readExpr(String t, Combinator c, String r) {
            switch (t) {
                case "int": return r + ".readInt()";
                case "long": return r + ".readLong()";
                case "double": return r + ".readDouble()";
                case "int128": return r + ".readInt128()";
                case "int256": return r + ".readInt256()";
                case "bytes": return r + ".readBytes()";
                case "string": return stringsAsBytes ? r + ".readBytes()" : r + ".readString()";
                case "Bool": return r + ".readBool()";
                case "Object": return r + ".readObject()";
                default: break;
            }
            if (t.startsWith("!") || c.generics().contains(t)) {
                return r + ".readObject()";
            }
            String inner = vectorElement(t);
            if (inner != null) {
                String rr = r + "_";
                return r + ".readVector(" + t.startsWith("Vector") + ", " + rr + " -> "
                        + readExpr(inner, c, rr) + ")";
            }
            if (t.startsWith("%")) {
                return classNames.get(singleConstructor(t.substring(1)).name()) + ".deserializeBare(" + r + ")";
            }
            if (constructorsByName.containsKey(t)) {
                return classNames.get(t) + ".deserializeBare(" + r + ")";
            }
            return r + ".readObject(Schema.REGISTRY, " + typeInterfaceName(t) + ".class)";
        }

        String writeExpr(String t, String v, Combinator c, String w) {
            switch (t) {
                case "int": return w + ".writeInt(" + v + ")";
                case "long": return w + ".writeLong(" + v + ")";
                case "double": return w + ".writeDouble(" + v + ")";
                case "int128": return w + ".writeInt128(" + v + ")";
                case "int256": return w + ".writeInt256(" + v + ")";
                case "bytes": return w + ".writeBytes(" + v + ")";
                case "string": return stringsAsBytes ? w + ".writeBytes(" + v + ")" : w + ".writeString(" + v + ")";
                case "Bool": return w + ".writeBool(" + v + ")";
                default: break;
            }
            if (t.equals("Object") || t.startsWith("!") || c.generics().contains(t)) {
                return v + ".serialize(" + w + ")";
            }
            String inner = vectorElement(t);
            if (inner != null) {
                String ww = w + "_";
                String ev = v.replace('.', '_') + "_e";
                return w + ".writeVector(" + t.startsWith("Vector") + ", " + v + ", (" + ww + ", " + ev + ") -> "
                        + writeExpr(inner, ev, c, ww) + ")";
            }
            if (t.startsWith("%") || constructorsByName.containsKey(t)) {
                return v + ".serializeBare(" + w + ")";
            }
            return v + ".serialize(" + w + ")";
        }
    }
}
