package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.cli.Rewind;
import io.rewind.stack.ProjectRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command a message or a document names, as {@code (rewind x …)} or {@code `rewind x …`},
 * is one the CLI has (with its subcommand, where it has subcommands), and every {@code docs/*.md}
 * page a message names exists: a message that sends the operator to something that does not exist
 * is a defect. Here in tools/ because the CLI has its every command (demo, bench, ...) only with
 * tools/ on the classpath.
 */
class MessageReferencesTest {

  private static final Pattern COMMAND = Pattern.compile("[(`](?:\\./)?rewind ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?");
  private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern DOC = Pattern.compile("\\b([a-z][a-z-]*\\.md)\\b");

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
        // Messages are built from several literals: join them so a command split across two is seen whole.
        texts = List.of(String.join("", texts).replace("\"", ""));
      } else {
        texts.add(text);
      }
      for (String t : texts) {
        Matcher m = COMMAND.matcher(t);
        while (m.find()) {
          CommandLine command = cli.getSubcommands().get(m.group(1));
          if (command == null) {
            unknown.add(root.relativize(file) + ": rewind " + m.group(1));
          } else if (!command.getSubcommands().isEmpty() && m.group(2) != null && !command.getSubcommands().containsKey(m.group(2))
              && looksLikeASubcommand(command, m.group(2))) {
            unknown.add(root.relativize(file) + ": rewind " + m.group(1) + " " + m.group(2));
          }
        }
      }
    }
    assertThat(unknown).as("commands named that the CLI does not have").isEmpty();
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
          if (!Files.exists(root.resolve("docs").resolve(name)) && !Files.exists(root.resolve(name))) {
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

  /** A word after a command with subcommands that is not one of its options' values: a lower-case word its usage does not know. */
  private static boolean looksLikeASubcommand(CommandLine command, String word) {
    return command.getCommandSpec().positionalParameters().isEmpty() && !List.of("or", "and", "with", "to", "for").contains(word);
  }

  /** Production sources of every module, the docs and the README. */
  private static List<Path> sources(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> {
            String s = root.relativize(p).toString();
            return (s.contains("/src/main/java/") && s.endsWith(".java")) || (s.startsWith("docs/") && s.endsWith(".md"))
                || s.equals("README.md");
          })
          .filter(p -> !root.relativize(p).toString().contains("target/"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
