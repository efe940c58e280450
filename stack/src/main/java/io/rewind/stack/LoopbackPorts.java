package io.rewind.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;

/**
 * Ports on the loopback interface: every part of the embedded stack binds there and nowhere else.
 */
public final class LoopbackPorts {

  /**
   * Ports already given out: a part may bind its port seconds later, and two parts must not share
   * one.
   */
  private static final Set<Integer> GIVEN = new HashSet<>();

  private LoopbackPorts() {}

  /**
   * A port that was free a moment ago, found by letting the OS pick one on 127.0.0.1, and never
   * given out before by this JVM.
   */
  public static synchronized int free() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        if (GIVEN.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot find a free port on the loopback interface: " + e.getMessage(), e);
      }
    }
  }

  /** True when something accepts TCP connections on 127.0.0.1:port. */
  public static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
