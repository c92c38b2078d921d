package dev.patchflow.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks done before anything starts, so that a taken port is one clear message rather than a bind stack trace. */
final class Ports {

    private Ports() {
    }

    /**
     * Fails with "{@code <name> port <port> on 127.0.0.1 is already in use}" if the port cannot be bound; port 0 (any)
     * always passes.
     */
    static void requireFree(String name, int port) {
        if (port != 0 && !isFree(port)) {
            throw new IllegalStateException(inUse(name, port));
        }
    }

    static String inUse(String name, int port) {
        return name + " port " + port + " on " + LocalStack.HOST + " is already in use";
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LocalStack.HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A port that was free a moment ago. Servers whose port must be known before they bind (the Kafka advertised and
     * controller listeners, s3proxy's endpoint) use it; the window in which another process could take it is tiny.
     */
    static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LocalStack.HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port on " + LocalStack.HOST, e);
        }
    }

    static int orFree(int port) {
        return port != 0 ? port : free();
    }
}
