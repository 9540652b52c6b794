package org.breathgate.receiver.care.export;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.store.StoredEvent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipOutputStream;

/**
 * The verification bundle of exactly what a PDF report shows, attached to the report as an embedded file
 * ({@value #FILE_NAME}): the signed messages of the events shown ({@code messages/<device>_<seq>.jws}), the public keys
 * that signed them ({@code keys/<device>_<version>.pem}, {@code keys/keys.txt} with their fingerprints, the same as the
 * report's "how to verify" page), {@code verify-bundle.sh} and {@code HOW-TO-CHECK.txt} (docs/protocol.md, "A verification
 * bundle"). Only what the report shows goes in, so a child-protection unit's report carries no more than its consent covers.
 */
public final class ReportBundle {

    /** The attachment's name in the PDF. */
    public static final String FILE_NAME = "breathgate-verification-bundle.zip";

    private ReportBundle() {
    }

    /** The bundle of {@code events} (each as stored, exactly as signed) and the {@code keys} that signed them, as ZIP bytes. */
    public static byte[] zip(List<StoredEvent> events, List<VerificationKey> keys) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            VerificationBundle.put(zip, VerificationBundle.HOW_TO, VerificationBundle.resource(VerificationBundle.HOW_TO));
            VerificationBundle.put(zip, VerificationBundle.SCRIPT, VerificationBundle.resource(VerificationBundle.SCRIPT));
            for (StoredEvent s : events) {
                VerificationBundle.put(zip, "messages/" + s.deviceId() + "_" + s.seq() + ".jws", (s.compact() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            StringBuilder list = new StringBuilder("# key id | type | fingerprint (SHA-256 of the raw public key)\n");
            for (VerificationKey k : keys) {
                KeyId id = k.keyId();
                VerificationBundle.put(zip, "keys/" + id.owner() + "_" + id.version() + ".pem", k.toPem().getBytes(StandardCharsets.US_ASCII));
                list.append(id).append(" | ").append(k.type().name()).append(" | sha256:").append(k.fingerprint()).append('\n');
            }
            VerificationBundle.put(zip, "keys/keys.txt", list.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("writing a report's verification bundle", e);
        }
        return bytes.toByteArray();
    }

    /** {@code pdf} with {@code zip} attached as the embedded file {@value #FILE_NAME} (described in {@code description}). */
    public static byte[] attach(byte[] pdf, byte[] zip, String description) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDEmbeddedFile file = new PDEmbeddedFile(doc, new ByteArrayInputStream(zip));
            file.setSubtype("application/zip");
            file.setSize(zip.length);
            file.setCreationDate(Calendar.getInstance());
            PDComplexFileSpecification spec = new PDComplexFileSpecification();
            spec.setFile(FILE_NAME);
            spec.setFileUnicode(FILE_NAME); // PDF/UA: a file specification has both F and UF
            spec.setFileDescription(description);
            spec.setEmbeddedFile(file);
            spec.setEmbeddedFileUnicode(file);
            PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
            tree.setNames(Map.of(FILE_NAME, spec));
            PDDocumentNameDictionary names = doc.getDocumentCatalog().getNames();
            if (names == null) {
                names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
            }
            names.setEmbeddedFiles(tree);
            doc.getDocumentCatalog().setNames(names);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("attaching the verification bundle to a report", e);
        }
    }

    /** The bundle attached to {@code pdf}, or {@code null} if it has none (for tests and tools). */
    public static byte[] attached(byte[] pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDDocumentNameDictionary names = doc.getDocumentCatalog().getNames();
            if (names == null || names.getEmbeddedFiles() == null || names.getEmbeddedFiles().getNames() == null) {
                return null;
            }
            PDComplexFileSpecification spec = names.getEmbeddedFiles().getNames().get(FILE_NAME);
            return spec == null ? null : spec.getEmbeddedFile().toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("reading a report's attachment", e);
        }
    }
}
