package io.rewind.tools;

/** A bench report's numbers, typed for the summary line printed beside its JSON. */
final class Figures {

  private Figures() {}

  static long whole(Object figure) {
    return ((Number) figure).longValue();
  }

  static double real(Object figure) {
    return ((Number) figure).doubleValue();
  }
}
