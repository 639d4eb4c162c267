package io.tileinfer.api;

import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.RequestContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the file in a {@code multipart/form-data} body (RFC 7578) with Apache Commons FileUpload's streaming
 * parser: the one part named "file", else the only part. The body is already in memory and bounded by the size limit.
 */
final class Multipart {

    private Multipart() {
    }

    static Upload file(byte[] body, String contentType) {
        try {
            FileItemInputIterator parts = new Parser().getItemIterator(new Body(body, contentType));
            Upload named = null;
            Upload last = null;
            int files = 0;
            int count = 0;
            while (parts.hasNext()) {
                FileItemInput part = parts.next();
                try (InputStream content = part.getInputStream()) {
                    last = new Upload(Upload.safeName(part.getName()), content.readAllBytes());
                }
                if ("file".equals(part.getFieldName())) {
                    named = last;
                    files++;
                }
                count++;
            }
            // Two files would leave the client guessing which one the answer is for.
            if (files > 1) {
                throw ApiException.badRequest("the multipart body has " + files + " parts named \"file\", expected "
                        + "one: send one GeoTIFF per request (curl -F file=@tile.tif)");
            }
            if (named != null) {
                return named;
            }
            if (count == 1) {
                return last;
            }
            throw ApiException.badRequest("the multipart body has " + count + " parts and none is named \"file\": "
                    + "send the GeoTIFF as the part \"file\" (curl -F file=@tile.tif)");
        } catch (IOException e) { // FileUploadException included
            throw ApiException.badRequest("the multipart/form-data body is malformed: " + e.getMessage()
                    + "; expected a part \"file\" with the GeoTIFF (curl -F file=@tile.tif)");
        }
    }

    /** A request body already read, as FileUpload's parser takes it. */
    private record Body(byte[] bytes, String contentType) implements RequestContext {
        @Override
        public String getCharacterEncoding() {
            return null; // part headers in UTF-8, FileUpload's default
        }

        @Override
        public long getContentLength() {
            return bytes.length;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public boolean isMultipartRelated() {
            return contentType.toLowerCase(Locale.ROOT).startsWith("multipart/related");
        }
    }

    /** FileUpload's core parser bound to our body type; only the streaming iterator is used, nothing is stored. */
    private static final class Parser extends AbstractFileUpload<Body, DiskFileItem, DiskFileItemFactory> {
        @Override
        public FileItemInputIterator getItemIterator(Body body) throws IOException {
            return getItemIterator((RequestContext) body);
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(Body body) throws org.apache.commons.fileupload2.core.FileUploadException {
            return parseParameterMap((RequestContext) body);
        }

        @Override
        public List<DiskFileItem> parseRequest(Body body) throws org.apache.commons.fileupload2.core.FileUploadException {
            return parseRequest((RequestContext) body);
        }
    }
}
