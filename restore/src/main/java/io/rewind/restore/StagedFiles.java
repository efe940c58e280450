package io.rewind.restore;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.StoredFiles;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * HFiles stored under {@code bases/files/} (by a base or a captured bulk load), staged whole for a
 * bulk load and checked.
 */
final class StagedFiles {

  private StagedFiles() {}

  /**
   * Copies the plaintext of a stored file ({@link StoredFiles}: decompressed, opened with the key
   * it names) to {@code to}, and checks it against its entry.
   *
   * @param namedBy what names the file (a base, a bulk load), for the messages
   * @param fix what the operator can do when the file is missing or damaged
   * @throws BaseImageFileException when it is missing or does not match
   */
  static void stage(
      ObjectStore store,
      KeyRing keys,
      BaseImageFile f,
      FileSystem fs,
      Path to,
      String namedBy,
      String fix)
      throws IOException {
    String mismatch;
    try (InputStream raw = store.open(f.key, f.storedBytes);
        StoredFiles.Reader in = StoredFiles.reader(raw, f, keys);
        OutputStream out = fs.create(to, true)) {
      in.plain().transferTo(out);
      mismatch = in.mismatch();
    } catch (FileNotFoundException e) {
      throw new BaseImageFileException(
          "the file " + store.path(f.key) + " is missing (named by " + namedBy + "): " + fix);
    } catch (IOException e) {
      throw new IOException(
          "reading the file "
              + store.path(f.key)
              + " (named by "
              + namedBy
              + ") failed: "
              + e.getMessage(),
          e);
    }
    if (mismatch != null) {
      throw new BaseImageFileException(
          "the file "
              + store.path(f.key)
              + " (named by "
              + namedBy
              + ") is corrupt: "
              + mismatch
              + ". "
              + fix);
    }
  }
}
