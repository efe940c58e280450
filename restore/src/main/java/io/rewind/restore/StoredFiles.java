package io.rewind.restore;

import com.github.luben.zstd.ZstdInputStream;
import io.rewind.core.base.BaseFile;
import io.rewind.core.store.ManifestCodec;
import io.rewind.core.store.ObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** HFiles stored under {@code bases/files/} (by a base or a captured bulk load), read back whole and checked. */
final class StoredFiles {

  private StoredFiles() {}

  /**
   * Copies a stored file to {@code to}, decompressed, and checks its size and SHA-256 against its
   * entry.
   *
   * @param namedBy what names the file (a base, a bulk load), for the messages
   * @param fix what the operator can do when the file is missing or damaged
   * @throws BaseFileException when it is missing or does not match
   */
  static void stage(ObjectStore store, BaseFile f, FileSystem fs, Path to, String namedBy, String fix) throws IOException {
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    long size = 0;
    try (InputStream raw = store.open(f.key);
        InputStream in = "zstd".equals(f.codec) ? new ZstdInputStream(raw) : raw;
        OutputStream out = fs.create(to, true)) {
      byte[] buf = new byte[256 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
        out.write(buf, 0, n);
        size += n;
      }
    } catch (FileNotFoundException e) {
      throw new BaseFileException("the file " + store.path(f.key) + " is missing (named by " + namedBy + "): " + fix);
    } catch (IOException e) {
      throw new IOException("reading the file " + store.path(f.key) + " (named by " + namedBy + ") failed: " + e.getMessage(), e);
    }
    String sha = ManifestCodec.Sha256.toHex(digest.digest());
    if (size != f.size || !sha.equals(f.sha256)) {
      throw new BaseFileException("the file " + store.path(f.key) + " is corrupt: " + size + " bytes with SHA-256 " + sha + ", " + namedBy
          + " names " + f.size + " bytes with SHA-256 " + f.sha256 + ". " + fix);
    }
  }
}
