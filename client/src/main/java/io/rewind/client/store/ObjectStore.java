package io.rewind.client.store;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.lease.LeaseSettings;
import java.io.Closeable;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BulkDelete;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;

/**
 * The object store behind Hadoop's FileSystem: file:// (through RawLocalFileSystem, so no .crc
 * sidecars), s3a://, gs:// or anything with a Hadoop connector. Every write goes to its final key:
 * nothing is ever renamed, because on S3 a rename is a copy plus a delete, O(size) and not atomic.
 */
public final class ObjectStore implements Closeable {

  /** Reads of an object that keeps being replaced before one sees a whole version. */
  private static final int READ_ATTEMPTS = 10;

  private final URI uri;
  private final FileSystem fs;
  private final Path root;
  // This store's calls, by the request each stands for: the counts of requests() where the file
  // system keeps none of its own (Hadoop's local file system does not).
  private final LongAdder gets = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder lists = new LongAdder();
  private final LongAdder heads = new LongAdder();
  private final LongAdder deletes = new LongAdder();

  /**
   * lease.require.conditional.writes=false: on a store without them, a conditional write compares,
   * then writes.
   */
  private volatile boolean unconditionalAllowed;

  private ObjectStore(URI uri, FileSystem fs, Path root) {
    this.uri = uri;
    this.fs = fs;
    this.root = root;
  }

  /**
   * Opens a store. Hadoop settings (fs.s3a.*) come from {@code hadoopConf}; a bare path is taken as
   * a local directory.
   */
  public static ObjectStore open(String storeUri, Map<String, String> hadoopConf)
      throws IOException {
    if (storeUri == null || storeUri.isBlank()) {
      throw new RewindException(
          Kind.REFUSED,
          "the store URI is empty: pass --store file:///path/to/dir or s3a://bucket/prefix");
    }
    URI uri = parse(storeUri.trim());
    Configuration conf = new Configuration(false);
    conf.addResource("core-default.xml");
    if ("file".equals(uri.getScheme())) {
      // RawLocalFileSystem (LocalStoreFileSystem: without a chmod process per file): no checksum
      // sidecars, writes straight to the final file. Only for the store itself: S3A's block
      // buffers need Hadoop's own local file system (it casts to it).
      conf.set("fs.file.impl", LocalStoreFileSystem.class.getName());
      conf.setBoolean("fs.file.impl.disable.cache", true);
    }
    // S3A buffers uploads on the heap, never on a local disk where a crash could strand a spool
    // file: most objects are already in memory, and a merged segment streams through at most
    // fs.s3a.fast.upload.active.blocks parts of fs.s3a.multipart.size. Overridable like any fs.*
    // setting.
    conf.set("fs.s3a.fast.upload.buffer", "array");
    // No look at the key before each PUT (a LIST, billed like a PUT): Rewind writes objects to
    // final
    // keys under prefixes it owns, never over a directory.
    conf.set("fs.s3a.create.performance", "true");
    hadoopConf.forEach(conf::set);
    FileSystem fs;
    try {
      fs = FileSystem.newInstance(uri, conf);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot open store "
              + uri
              + ": "
              + e.getMessage()
              + " (check the URI scheme and that its Hadoop connector and credentials are configured)",
          e);
    }
    Path root = new Path(uri);
    return new ObjectStore(uri, fs, root);
  }

  /** Opens the configured store; every {@code fs.*} setting is passed to Hadoop as it is. */
  public static ObjectStore open(RewindConfig config) throws IOException {
    Map<String, String> hadoop = new HashMap<>();
    config
        .asMap()
        .forEach(
            (k, v) -> {
              if (k.startsWith("fs.")) {
                hadoop.put(k, v);
              }
            });
    ObjectStore store = open(config.storeUri(), hadoop);
    store.unconditionalAllowed =
        !config.parse(LeaseSettings.CONFIG).getBoolean(LeaseSettings.REQUIRE_CONDITIONAL_WRITES);
    return store;
  }

  static URI parse(String storeUri) {
    try {
      URI uri = new URI(storeUri);
      if (uri.getScheme() == null) {
        return new File(storeUri).getAbsoluteFile().toURI();
      }
      if (uri.getScheme().length() == 1) {
        throw new RewindException(
            Kind.REFUSED,
            "store URI '" + storeUri + "' looks like a Windows path: use file:///...");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new RewindException(
          Kind.REFUSED,
          "store URI '"
              + storeUri
              + "' is not a valid URI ("
              + e.getReason()
              + "): use file:///path/to/dir or s3a://bucket/prefix",
          e);
    }
  }

  public URI uri() {
    return uri;
  }

  /**
   * Hadoop's file system behind the store; calls made on it directly are not in {@link #requests()}
   * of a file:// store.
   */
  public FileSystem fileSystem() {
    return fs;
  }

  /**
   * The requests made through this store since it was opened. On s3a:// S3A's own counts of what
   * went over the wire ({@link StoreRequests#ofS3aCounters}), so the HEADs and listings S3A makes
   * around an open, create or delete and every page of a listing are in them. Elsewhere this
   * store's calls, each counted as the request it stands for: open or read (each attempt) = get,
   * create or write = put, list or listFiles = list, exists, size or checkReachable = head, delete
   * or deleteDirectory = delete.
   */
  public StoreRequests requests() {
    if ("s3a".equals(uri.getScheme())
        && fs instanceof IOStatisticsSource
        && ((IOStatisticsSource) fs).getIOStatistics() != null) {
      return StoreRequests.ofS3aCounters(((IOStatisticsSource) fs).getIOStatistics().counters());
    }
    return new StoreRequests(gets.sum(), puts.sum(), lists.sum(), heads.sum(), deletes.sum(), 0);
  }

  public Path path(String relative) {
    return new Path(root, relative);
  }

  /** Creates (or replaces) the object at its final key; the caller closes the stream. */
  public FSDataOutputStream create(String relative) throws IOException {
    puts.increment();
    return fs.create(path(relative), true);
  }

  /** Writes a small object in one request, durably (fsync on a local disk). */
  public void write(String relative, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = create(relative)) {
      out.write(bytes);
      sync(out);
    }
  }

  /** Forces the bytes written so far to disk where the store supports it (local, HDFS). */
  public static void sync(FSDataOutputStream out) throws IOException {
    if (out.hasCapability(StreamCapabilities.HSYNC)) {
      out.hsync();
    }
  }

  public InputStream open(String relative) throws IOException {
    gets.increment();
    return fs.open(path(relative));
  }

  /**
   * Opens an object whose length is known (a segment, from its manifest) to be read from start to
   * end: on S3 one GET, without the HEAD that a plain open makes first.
   */
  public InputStream open(String relative, long length) throws IOException {
    gets.increment();
    try {
      return fs.openFile(path(relative))
          .opt("fs.option.openfile.length", length)
          .opt("fs.option.openfile.read.policy", "sequential")
          .build()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening " + relative);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException
          ? (IOException) e.getCause()
          : new IOException(e.getCause());
    }
  }

  /**
   * The whole object. A read that meets the object being replaced (the checkpoint is, every few
   * hundred milliseconds) starts again and returns one whole version: S3A's change detection fails
   * such a read rather than mixing two versions.
   */
  public byte[] read(String relative) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (InputStream in = open(relative)) {
        return in.readAllBytes();
      } catch (IOException e) {
        if (attempt >= READ_ATTEMPTS || !replacedWhileRead(e)) {
          throw e;
        }
        try {
          Thread.sleep(10L * attempt); // out of step with the writer
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * S3A's RemoteFileChangedException (by name: core does not carry hadoop-aws), also as a cause.
   */
  private static boolean replacedWhileRead(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getSimpleName().equals("RemoteFileChangedException")) {
        return true;
      }
    }
    return false;
  }

  public boolean exists(String relative) throws IOException {
    heads.increment();
    return fs.exists(path(relative));
  }

  public long size(String relative) throws IOException {
    heads.increment();
    return fs.getFileStatus(path(relative)).getLen();
  }

  /** The entries directly under a directory, sorted by name; empty when it does not exist. */
  public List<FileStatus> list(String relativeDir) throws IOException {
    lists.increment();
    try {
      FileStatus[] statuses = fs.listStatus(path(relativeDir));
      List<FileStatus> result = new ArrayList<>(List.of(statuses));
      result.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      return result;
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }

  /**
   * Every file under a directory, recursively (one listing request per page on S3), as keys
   * relative to the store's root; empty when the directory does not exist.
   */
  public List<StoredObject> listFiles(String relativeDir) throws IOException {
    List<StoredObject> files = new ArrayList<>();
    String rootPrefix = fs.makeQualified(root).toUri().getPath();
    String prefix = rootPrefix.endsWith("/") ? rootPrefix : rootPrefix + "/";
    lists.increment();
    try {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(path(relativeDir), true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        String p = f.getPath().toUri().getPath();
        files.add(
            new StoredObject(
                p.startsWith(prefix) ? p.substring(prefix.length()) : p,
                f.getLen(),
                f.getModificationTime()));
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    return files;
  }

  public boolean delete(String relative) throws IOException {
    deletes.increment();
    return fs.delete(path(relative), false);
  }

  /**
   * Deletes many objects, in the order given: in bulk requests where the store offers them (on S3
   * up to {@code fs.s3a.bulk.delete.page.size} keys a request, with no look at each key first), one
   * request each elsewhere. A key that is already gone is no error.
   *
   * @throws IOException naming the keys the store refused to delete
   */
  public void deleteAll(Collection<String> keys) throws IOException {
    if (keys.isEmpty()) {
      return;
    }
    List<Path> paths = new ArrayList<>(keys.size());
    keys.forEach(k -> paths.add(path(k)));
    List<String> failed = new ArrayList<>();
    // The base path without a trailing slash: the keys' parents are compared with it as paths.
    Path base = fs.makeQualified(new Path(uri.toString().replaceAll("(?<!/)/+$", "")));
    try (BulkDelete bulk = fs.createBulkDelete(base)) {
      int page = Math.max(1, bulk.pageSize());
      for (int i = 0; i < paths.size(); i += page) {
        bulk.bulkDelete(paths.subList(i, Math.min(paths.size(), i + page)))
            .forEach(f -> failed.add(f.getKey() + " (" + f.getValue() + ")"));
        // The local file system keeps no statistics: each key is one delete, as with delete().
        if (!"s3a".equals(uri.getScheme())) {
          deletes.add(Math.min(page, paths.size() - i));
        }
      }
    }
    if (!failed.isEmpty()) {
      throw new IOException(
          "the store "
              + uri
              + " did not delete "
              + failed.size()
              + " objects: "
              + String.join(", ", failed.subList(0, Math.min(5, failed.size())))
              + (failed.size() > 5 ? ", ..." : ""));
    }
  }

  /**
   * Deletes a directory and everything under it (on S3: a listing, then bulk deletes of its keys).
   */
  public boolean deleteDirectory(String relative) throws IOException {
    deletes.increment();
    return fs.delete(path(relative), true);
  }

  /**
   * Whether {@link #writeIfVersion} is atomic on this store: s3a:// (S3's If-None-Match and
   * If-Match on PUT, which S3A 3.4.2 sends; an S3-compatible server that ignores them is caught by
   * {@link ConditionalWrites#probe}) and file:// (a POSIX lock held across the compare and the
   * write). Other stores (hdfs://, gs://) offer no compare-and-swap through Hadoop's FileSystem.
   */
  public boolean conditionalWrites() {
    return "s3a".equals(uri.getScheme()) || "file".equals(uri.getScheme());
  }

  /**
   * Whether conditional writes may fall back to a read before a plain write
   * (lease.require.conditional.writes=false).
   */
  public boolean unconditionalAllowed() {
    return unconditionalAllowed;
  }

  /**
   * The whole object and the version it was read at (S3's ETag; on a local disk the SHA-256 of the
   * bytes), or empty when it does not exist. On S3 the GET is conditional on the ETag of the HEAD
   * before it, so bytes and version always belong together; a replacement in between reads again.
   */
  public Optional<Versioned> readVersioned(String relative) throws IOException {
    if (!"s3a".equals(uri.getScheme())) {
      try {
        byte[] bytes = read(relative);
        return bytes.length == 0
            ? Optional.empty()
            : Optional.of(new Versioned(bytes, ConditionalWrites.localVersion(bytes)));
      } catch (FileNotFoundException e) {
        return Optional.empty();
      }
    }
    Path p = path(relative);
    for (int attempt = 1; ; attempt++) {
      FileStatus status;
      try {
        heads.increment();
        status = fs.getFileStatus(p);
      } catch (FileNotFoundException e) {
        return Optional.empty();
      }
      String etag = status instanceof EtagSource ? ((EtagSource) status).getEtag() : null;
      if (etag == null) {
        throw new IOException(
            "the store "
                + uri
                + " gave no version (ETag) for "
                + relative
                + ": conditional writes cannot work on it");
      }
      try {
        gets.increment();
        try (InputStream in = fs.openFile(p).withFileStatus(status).build().get()) {
          return Optional.of(new Versioned(in.readAllBytes(), etag));
        }
      } catch (FileNotFoundException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading " + relative);
      } catch (ExecutionException | IOException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (attempt >= READ_ATTEMPTS || !replacedWhileRead(cause)) {
          throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
        }
      }
    }
  }

  /**
   * Writes the object only if it is still at {@code expectedVersion} (a version {@link
   * #readVersioned} returned), or, with null, only if it does not exist: a compare-and-swap, atomic
   * on the stores {@link #conditionalWrites()} names.
   *
   * @return false when the object changed (or appeared) since that version: nothing was written
   * @throws IllegalStateException on a store without conditional writes, unless
   *     lease.require.conditional.writes=false (then the version is compared by a read before a
   *     plain write, which another writer can slip between)
   */
  public boolean writeIfVersion(String relative, byte[] bytes, String expectedVersion)
      throws IOException {
    if ("file".equals(uri.getScheme())) {
      puts.increment();
      return ConditionalWrites.writeLocal(
          Paths.get(path(relative).toUri()), bytes, expectedVersion);
    }
    if (!"s3a".equals(uri.getScheme())) {
      if (!unconditionalAllowed) {
        throw new IllegalStateException(
            "the store "
                + uri
                + " offers no conditional writes through Hadoop's FileSystem, which leases"
                + " and the records they protect are written with: use an s3a:// or file:// store, or set "
                + LeaseSettings.REQUIRE_CONDITIONAL_WRITES
                + "=false to write them with a read before a plain write"
                + " (then run one operation per table at a time yourself)");
      }
      Optional<Versioned> current = readVersioned(relative);
      if (!Objects.equals(current.map(Versioned::version).orElse(null), expectedVersion)) {
        return false;
      }
      write(relative, bytes);
      return true;
    }
    puts.increment();
    FSDataOutputStreamBuilder<FSDataOutputStream, ?> builder =
        fs.createFile(path(relative)).overwrite(true);
    if (expectedVersion == null) {
      builder.must(Options.CreateFileOptionKeys.FS_OPTION_CREATE_CONDITIONAL_OVERWRITE, true);
    } else {
      builder.must(
          Options.CreateFileOptionKeys.FS_OPTION_CREATE_CONDITIONAL_OVERWRITE_ETAG,
          expectedVersion);
    }
    try (FSDataOutputStream out = builder.build()) {
      out.write(bytes);
    } catch (IOException e) {
      // S3 answers a failed If-None-Match or If-Match with 412, which S3A raises as
      // RemoteFileChangedException.
      if (replacedWhileRead(e) || e instanceof FileAlreadyExistsException) {
        return false;
      }
      throw e;
    }
    return true;
  }

  /** Fails with a clear message when the store cannot be reached or listed. */
  public void checkReachable() throws IOException {
    heads.increment();
    try {
      fs.getFileStatus(root);
    } catch (FileNotFoundException e) {
      puts.increment();
      fs.mkdirs(root);
    }
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
