package io.rewind.testkit.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * What the simulator's put cells hold. {@link #REALISTIC} (the default) models what HBase tables
 * usually store: 8-byte counters, short strings, small JSON documents and, for 3% of cells, a
 * larger JSON document of 256 to 4,096 bytes; built from a fixed vocabulary and seeded numbers, so
 * it compresses as real text does: amounts, quantities, scores and session ids are random, ids and
 * times are recent ones (allocated in sequence, near the write), as in real rows. {@link #RANDOM}
 * keeps the former workload: 3% of cells hold 256 to 4,096 uniformly random bytes, which no codec
 * compresses; the worst case for store size, not a typical one.
 */
public enum CellValues {
  REALISTIC,
  RANDOM;

  private static final String[] WORDS = {
    "pending", "shipped", "delivered", "cancelled", "returned", "paid", "refunded", "open",
        "closed", "active",
    "inactive", "premium", "standard", "basic", "eu-west-1", "us-east-1", "ap-south-1", "mobile",
        "desktop", "tablet",
    "click", "view", "purchase", "signup", "login", "logout", "search", "cart", "checkout",
        "wishlist",
    "red", "blue", "green", "black", "white", "small", "medium", "large", "books", "garden",
    "electronics", "toys", "sports", "music", "grocery", "fashion", "home", "beauty", "auto",
        "health",
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "Berlin", "Paris", "Madrid", "Rome", "Lisbon", "Vienna", "Prague", "Oslo", "Dublin", "Warsaw"
  };
  private static final String[] FIELDS = {
    "id", "status", "amount", "currency", "customer", "region", "device", "event", "category",
        "city",
    "color", "size", "quantity", "price", "updatedAt", "createdAt", "sessionId", "score", "tier",
        "note"
  };

  /** Where the times inside values start (not the clock: values are a function of the seed). */
  private static final long EPOCH_MS = 1_763_683_200_000L;

  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "JPY", "CHF"};

  /** A put's value; {@code n} counts values so far (the former small values were "v" + n). */
  public byte[] next(Random rng, long n) {
    if (this == RANDOM) {
      if (rng.nextInt(100) < 3) {
        byte[] big = new byte[256 + rng.nextInt(3840)];
        rng.nextBytes(big);
        return big;
      }
      return ("v" + n).getBytes(StandardCharsets.UTF_8);
    }
    int kind = rng.nextInt(100);
    if (kind < 3) {
      return document(rng, n, 256 + rng.nextInt(3841));
    }
    if (kind < 30) {
      return ByteBuffer.allocate(Long.BYTES).putLong(rng.nextInt(1_000_000)).array();
    }
    if (kind < 60) {
      return word(rng).getBytes(StandardCharsets.UTF_8);
    }
    return object(rng, n, new StringBuilder()).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON document of about {@code size} bytes: a header object and a list of line items. */
  private static byte[] document(Random rng, long n, int size) {
    StringBuilder s = new StringBuilder(size + 256);
    s.append("{\"id\":")
        .append(recordId(rng, n))
        .append(",\"customer\":\"")
        .append(word(rng))
        .append("\",\"createdAt\":")
        .append(recentTime(rng, n))
        .append(",\"items\":[");
    boolean first = true;
    while (s.length() < size) {
      if (!first) {
        s.append(',');
      }
      first = false;
      object(rng, n, s);
    }
    return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A flat JSON object of 3 to 6 fields. */
  private static StringBuilder object(Random rng, long n, StringBuilder s) {
    int fields = 3 + rng.nextInt(4);
    s.append('{');
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        s.append(',');
      }
      String field = FIELDS[rng.nextInt(FIELDS.length)];
      s.append('"').append(field).append("\":");
      switch (field) {
        case "id":
          s.append(recordId(rng, n));
          break;
        case "sessionId":
          s.append('"').append(hexId(rng)).append('"');
          break;
        case "amount":
        case "price":
          int cents = rng.nextInt(100_000);
          s.append(cents / 100).append('.').append(cents % 100 / 10).append(cents % 10);
          break;
        case "quantity":
        case "score":
          s.append(rng.nextInt(1000));
          break;
        case "updatedAt":
        case "createdAt":
          s.append(recentTime(rng, n));
          break;
        case "currency":
          s.append('"').append(CURRENCIES[rng.nextInt(CURRENCIES.length)]).append('"');
          break;
        default:
          s.append('"').append(word(rng)).append('"');
      }
    }
    return s.append('}');
  }

  /** Ids are allocated in sequence, as orders and users are: recent records have nearby ids. */
  private static long recordId(Random rng, long n) {
    return 1_000_000 + n / 4 - rng.nextInt(10_000);
  }

  /**
   * A time shortly before the value is written: the value count stands in for the clock (about 10
   * ms per value), so values stay a function of the seed.
   */
  private static long recentTime(Random rng, long n) {
    return EPOCH_MS + n * 10 - rng.nextInt(600_000);
  }

  private static String word(Random rng) {
    return WORDS[rng.nextInt(WORDS.length)];
  }

  private static String hexId(Random rng) {
    return Long.toHexString(rng.nextLong() >>> 16);
  }
}
