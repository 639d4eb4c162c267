package io.tileinfer.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An upload that sends its headers and first kilobyte, then holds back the rest until {@link #finish()}: a request
 * kept in flight for as long as a test needs, or a client that stops sending ({@link #response()}) or goes away
 * ({@link #close()}). A plain HTTP/1.1 socket, because java.net.http reads a streamed
 * body ahead before it sends anything.
 */
final class SlowUpload implements AutoCloseable {

    /** The status line's code, the body and the status line with the headers. */
    record Response(int status, String body, String head) {
    }

    private final Socket socket;
    private final byte[] bytes;

    SlowUpload(int port, String path, byte[] bytes) throws IOException {
        this(port, path, bytes, "");
    }

    /** @param headerLines more request headers, each ending with CRLF */
    SlowUpload(int port, String path, byte[] bytes, String headerLines) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        this.bytes = bytes;
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/tiff\r\nContent-Length: "
                + bytes.length + "\r\nConnection: close\r\n" + headerLines + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, 0, 1024);
        out.flush();
    }

    /** Sends the rest of the body (if the server still reads) and reads the response. */
    Response finish() throws IOException {
        try {
            socket.getOutputStream().write(bytes, 1024, bytes.length - 1024);
        } catch (IOException answeredEarly) {
            // The server answered before reading everything (a timeout): its response is still there to read.
        }
        return response();
    }

    /**
     * Reads the response without sending more of the body.
     *
     * @throws java.net.SocketTimeoutException when none comes within 20 s
     */
    Response response() throws IOException {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the server closed the connection within the headers: " + head);
            }
            head.write(next);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = headers.lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
                .mapToInt(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).strip())).findFirst()
                .orElseThrow();
        return new Response(Integer.parseInt(headers.substring(9, 12)),
                new String(in.readNBytes(length), StandardCharsets.UTF_8), headers);
    }

    /** Whether the server closed the connection (after its response): nothing more comes within 5 s. */
    boolean closedByServer() throws IOException {
        socket.setSoTimeout(5_000);
        return socket.getInputStream().read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
