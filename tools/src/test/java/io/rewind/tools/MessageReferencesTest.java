package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.cli.Rewind;
import io.rewind.client.config.RewindConfig;
import io.rewind.stack.ProjectRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command a message or a document names, as {@code (rewind x …)}, {@code `rewind x …`} or, in
 * a message, {@code rewind x --option}, is one the CLI has (with its subcommand, where it has
 * subcommands); every {@code docs/*.md} page and {@code docs/...} path a message or a document
 * names exists, and every relative link of a document; every setting a message or a document names
 * is one Rewind defines: a message that sends the operator to something that does not exist is a
 * defect. Here in tools/ because the CLI has its every command (demo, bench, ...) only with tools/
 * on the classpath.
 */
class MessageReferencesTest {

  private static final Pattern COMMAND =
      Pattern.compile("[(`](?:\\./)?rewind ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?");
  private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern DOC = Pattern.compile("\\b([a-z][a-z-]*\\.md)\\b");

  /**
   * A command named bare in a message: {@code rewind x [y]} followed by an option or a placeholder
   * (group 3), punctuation or the end.
   */
  private static final Pattern BARE_COMMAND =
      Pattern.compile(
          "(?m)(?<![\\w./`(-])rewind ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?(?:$|( --| <)|(?=[)`,;:.]))");

  private static final Pattern DOC_PATH = Pattern.compile("(?<![\\w/.-])(docs/[\\w./-]*\\w)");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  /** A setting's key as Rewind defines them: a constant of one dotted lower-case string. */
  private static final Pattern SETTING_CONSTANT =
      Pattern.compile(
          "static final String [A-Z0-9_]+\\s*=\\s*\"([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)\"\\s*;");

  /**
   * The families of Rewind's own settings: a dotted name under one of them is a setting (the {@code
   * kafka.}, {@code producer.}, {@code consumer.} and {@code admin.} prefixes pass through to
   * Kafka's clients, {@code hbase.} is HBase's; neither is Rewind's to check).
   */
  private static final Pattern SETTING =
      Pattern.compile(
          "(?<![\\w./-])((?:archiver|base|bootstrap|checkpoint|compaction|edits|endpoint|gc"
              + "|lease|monitor|registry|restore|segment|store|topic|verify)(?:\\.[a-z0-9-]+)+)(?![\\w(.*{])");

  /** Dotted names under those families that are files, not settings. */
  private static final Pattern FILE_NAME =
      Pattern.compile(".*\\.(md|log|json|html|xml|properties)");

  @Test
  void everyCommandAMessageOrADocumentNamesExists() throws IOException {
    Path root = ProjectRoot.locate().orElseThrow();
    CommandLine cli = Rewind.commandLine();
    List<String> unknown = new ArrayList<>();
    for (Path file : sources(root)) {
      String text = Files.readString(file);
      List<String> texts = new ArrayList<>();
      if (file.toString().endsWith(".java")) {
        Matcher literal = STRING_LITERAL.matcher(text);
        while (literal.find()) {
          texts.add(literal.group());
        }
        // Messages are built from several literals: join them so a command split across two is seen
        // whole.
        texts = List.of(String.join("", texts).replace("\"", ""));
      } else {
        texts.add(text);
      }
      for (String t : texts) {
        unknownCommands(cli, COMMAND.matcher(t), root.relativize(file), unknown);
      }
      if (file.toString().endsWith(".java")) {
        // Literal by literal: joined, the end of one would run into the next.
        unknownCommands(
            cli,
            BARE_COMMAND.matcher(String.join("\n", literals(text)).replace("\"", "")),
            root.relativize(file),
            unknown);
      }
    }
    assertThat(unknown).as("commands named that the CLI does not have").isEmpty();
  }

  private static void unknownCommands(CommandLine cli, Matcher m, Path file, List<String> unknown) {
    while (m.find()) {
      CommandLine command = cli.getSubcommands().get(m.group(1));
      if (command == null) {
        // Bare, "rewind x" is a command only with an option after it: else it may be prose ("rewind
        // segment iv").
        if (m.pattern() != BARE_COMMAND || m.group(3) != null) {
          unknown.add(file + ": rewind " + m.group(1));
        }
      } else if (!command.getSubcommands().isEmpty()
          && m.group(2) != null
          && !command.getSubcommands().containsKey(m.group(2))
          && looksLikeASubcommand(command, m.group(2))) {
        unknown.add(file + ": rewind " + m.group(1) + " " + m.group(2));
      }
    }
  }

  @Test
  void everyDocsPathAndLinkAMessageOrADocumentNamesExists() throws IOException {
    Path root = ComposeFileTest.projectRoot();
    List<String> missing = new ArrayList<>();
    for (Path file : sources(root)) {
      String text = Files.readString(file);
      for (String t : file.toString().endsWith(".java") ? literals(text) : List.of(text)) {
        Matcher path = DOC_PATH.matcher(t);
        while (path.find()) {
          if (!Files.exists(root.resolve(path.group(1)))) {
            missing.add(root.relativize(file) + ": " + path.group(1));
          }
        }
      }
      if (file.toString().endsWith(".md")) {
        Matcher link = LINK.matcher(text);
        while (link.find()) {
          String target = link.group(1).replaceFirst("#.*", "");
          if (!target.isEmpty()
              && !target.matches("[a-z]+:.*")
              && !Files.exists(file.getParent().resolve(target))) {
            missing.add(root.relativize(file) + ": link " + link.group(1));
          }
        }
      }
    }
    assertThat(missing).as("docs/ paths and links that lead nowhere").isEmpty();
  }

  @Test
  void everySettingAMessageOrADocumentNamesIsDefined() throws IOException {
    Path root = ComposeFileTest.projectRoot();
    List<Path> files = sources(root);
    Set<String> defined = new TreeSet<>(RewindConfig.defaults().keySet());
    for (Path file : files) {
      if (file.toString().endsWith(".java")) {
        Matcher constant = SETTING_CONSTANT.matcher(Files.readString(file));
        while (constant.find()) {
          defined.add(constant.group(1));
        }
      }
    }
    List<String> unknown = new ArrayList<>();
    for (Path file : files) {
      String text = Files.readString(file);
      for (String t : file.toString().endsWith(".java") ? literals(text) : List.of(text)) {
        Matcher setting = SETTING.matcher(t);
        while (setting.find()) {
          String key = setting.group(1);
          if (!defined.contains(key) && !FILE_NAME.matcher(key).matches()) {
            unknown.add(root.relativize(file) + ": " + key);
          }
        }
      }
    }
    assertThat(defined)
        .as("the settings found")
        .contains(RewindConfig.STORE_URI, "lease.wait.ms", "restore.spill.dir");
    assertThat(unknown).as("settings named that Rewind does not define").isEmpty();
  }

  /**
   * The string literals of a Java source, each on its own (a setting or a path is never split
   * across two).
   */
  private static List<String> literals(String java) {
    List<String> all = new ArrayList<>();
    Matcher literal = STRING_LITERAL.matcher(java);
    while (literal.find()) {
      all.add(literal.group());
    }
    return all;
  }

  @Test
  void everyDocumentAMessageNamesExists() throws IOException {
    Path root = ProjectRoot.locate().orElseThrow();
    List<String> missing = new ArrayList<>();
    for (Path file : sources(root)) {
      if (!file.toString().endsWith(".java")) {
        continue;
      }
      Matcher literal = STRING_LITERAL.matcher(Files.readString(file));
      while (literal.find()) {
        Matcher doc = DOC.matcher(literal.group());
        while (doc.find()) {
          String name = doc.group(1);
          if (!Files.exists(root.resolve("docs").resolve(name))
              && !Files.exists(root.resolve(name))) {
            missing.add(root.relativize(file) + ": " + name);
          }
        }
      }
      Matcher notes = Pattern.compile("docs/notes/").matcher(Files.readString(file));
      if (notes.find()) {
        missing.add(root.relativize(file) + ": docs/notes/");
      }
    }
    assertThat(missing).as("documents named that are not in the repository").isEmpty();
  }

  /**
   * A word after a command with subcommands that is not one of its options' values: a lower-case
   * word its usage does not know.
   */
  private static boolean looksLikeASubcommand(CommandLine command, String word) {
    return command.getCommandSpec().positionalParameters().isEmpty()
        && !List.of("or", "and", "with", "to", "for", "on").contains(word);
  }

  /** Production sources of every module, the docs and the README. */
  private static List<Path> sources(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String s = root.relativize(p).toString();
                return (s.contains("/src/main/java/") && s.endsWith(".java"))
                    || (s.startsWith("docs/") && s.endsWith(".md"))
                    || s.equals("README.md");
              })
          .filter(p -> !root.relativize(p).toString().contains("target/"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
