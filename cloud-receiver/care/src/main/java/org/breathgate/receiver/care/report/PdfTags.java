package org.breathgate.receiver.care.report;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.PDNumberTreeNode;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDMarkInfo;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureTreeRoot;
import org.apache.pdfbox.pdmodel.documentinterchange.markedcontent.PDMarkedContent;
import org.apache.pdfbox.pdmodel.documentinterchange.markedcontent.PDPropertyList;
import org.apache.pdfbox.pdmodel.documentinterchange.taggedpdf.PDTableAttributeObject;
import org.apache.pdfbox.pdmodel.interactive.viewerpreferences.PDViewerPreferences;
import org.apache.xmpbox.XMPMetadata;
import org.apache.xmpbox.schema.DublinCoreSchema;
import org.apache.xmpbox.schema.XMPBasicSchema;
import org.apache.xmpbox.xml.XmpSerializer;

import javax.xml.transform.TransformerException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tagged PDF's logical structure (PDF/UA-1, ISO 14289-1, as far as PDFBox 3 lets it be built by hand): the document's
 * language and title (shown as the window title), XMP metadata naming PDF/UA part 1, a structure tree ({@code Document}
 * holding headings, paragraphs, tables with header cells and a figure with its alternative text), each piece of page
 * content tied to its element by a marked-content id, the parent tree that leads back from content to element, and
 * everything else marked as an artifact. The report draws through it; a reader of the structure tree (a screen reader,
 * {@code PdfReportTest}) gets the same reading order as the page.
 */
final class PdfTags {

    private final PDDocument doc;
    private final PDStructureTreeRoot root = new PDStructureTreeRoot();
    private final PDStructureElement document;
    /** Per page (in order), the element each marked-content id belongs to. */
    private final Map<PDPage, List<PDStructureElement>> content = new LinkedHashMap<>();

    PdfTags(PDDocument doc, String language, String title, String author, Calendar created) throws IOException {
        this.doc = doc;
        PDDocumentCatalog catalog = doc.getDocumentCatalog();
        catalog.setLanguage(language);
        PDMarkInfo mark = new PDMarkInfo();
        mark.setMarked(true);
        catalog.setMarkInfo(mark);
        catalog.setStructureTreeRoot(root);
        PDViewerPreferences viewer = new PDViewerPreferences(new COSDictionary());
        viewer.setDisplayDocTitle(true);
        catalog.setViewerPreferences(viewer);
        catalog.setMetadata(metadata(title, author, created));
        document = new PDStructureElement("Document", root);
        document.setLanguage(language);
        root.appendKid(document);
    }

    /** XMP with the title, author, dates and the PDF/UA part (1), as ISO 14289-1 asks. */
    private PDMetadata metadata(String title, String author, Calendar created) throws IOException {
        XMPMetadata xmp = XMPMetadata.createXMPMetadata();
        DublinCoreSchema dc = xmp.createAndAddDublinCoreSchema();
        dc.setTitle(title);
        dc.addCreator(author);
        dc.setFormat("application/pdf");
        XMPBasicSchema basic = xmp.createAndAddXMPBasicSchema();
        basic.setCreateDate(created);
        basic.setCreatorTool("Breathgate receiver");
        PdfUaSchema ua = new PdfUaSchema(xmp);
        xmp.addSchema(ua);
        ua.setPart(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new XmpSerializer().serialize(xmp, out, true);
        } catch (TransformerException e) {
            throw new IOException("cannot write the report's XMP metadata", e);
        }
        PDMetadata metadata = new PDMetadata(doc);
        metadata.importXMPMetadata(out.toByteArray());
        return metadata;
    }

    /** The {@code pdfuaid} schema: PDF/UA's identification in XMP. */
    private static final class PdfUaSchema extends org.apache.xmpbox.schema.XMPSchema {
        PdfUaSchema(XMPMetadata metadata) {
            super(metadata, "http://www.aiim.org/pdfua/ns/id/", "pdfuaid", "PDF/UA identification");
        }

        void setPart(int part) {
            try {
                addProperty(getMetadata().getTypeMapping().createInteger("http://www.aiim.org/pdfua/ns/id/", "pdfuaid", "part", part));
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot name the PDF/UA part in XMP", e);
            }
        }
    }

    /** The {@code Document} element, the root of the report's structure. */
    PDStructureElement document() {
        return document;
    }

    /** A new element of {@code type} (H1, H2, P, Table, TR, TH, TD, Figure, ...) as the last kid of {@code parent}. */
    PDStructureElement element(String type, PDStructureElement parent) {
        PDStructureElement e = new PDStructureElement(type, parent);
        parent.appendKid(e);
        return e;
    }

    /** A table header cell for its column or row ({@link PDTableAttributeObject#SCOPE_COLUMN}, {@code SCOPE_ROW}). */
    PDStructureElement headerCell(PDStructureElement row, String scope) {
        PDStructureElement th = element("TH", row);
        PDTableAttributeObject table = new PDTableAttributeObject();
        table.setScope(scope);
        th.addAttribute(table);
        return th;
    }

    /**
     * Starts content of {@code element} on {@code page}: a marked-content sequence with the next id of the page, plus
     * {@code extra} properties (e.g. the figure's {@code /Alt}). End it with {@code cs.endMarkedContent()}.
     */
    void begin(PDPageContentStream cs, PDPage page, PDStructureElement element, COSDictionary extra) throws IOException {
        List<PDStructureElement> ids = content.computeIfAbsent(page, p -> new ArrayList<>());
        int mcid = ids.size();
        ids.add(element);
        COSDictionary properties = extra == null ? new COSDictionary() : extra;
        properties.setInt(COSName.MCID, mcid);
        if (element.getPage() == null) {
            element.setPage(page);
        }
        cs.beginMarkedContent(COSName.getPDFName(element.getStructureType()), PDPropertyList.create(properties));
        PDMarkedContent marked = new PDMarkedContent(COSName.getPDFName(element.getStructureType()), properties);
        if (page.equals(element.getPage())) {
            element.appendKid(marked);
        } else {
            // Content of an element that began on an earlier page: a marked-content reference names its page.
            org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDMarkedContentReference ref =
                    new org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDMarkedContentReference();
            ref.setPage(page);
            ref.setMCID(mcid);
            element.appendKid(ref);
        }
    }

    /** Starts content that is not part of the document's text (a page number, a rule): an {@code /Artifact}. */
    static void beginArtifact(PDPageContentStream cs, String type) throws IOException {
        COSDictionary p = new COSDictionary();
        p.setName(COSName.TYPE, type);
        cs.beginMarkedContent(COSName.ARTIFACT, PDPropertyList.create(p));
    }

    /** Writes the parent tree (each page's ids back to their elements); call once, after the last page is drawn. */
    void finish() {
        Map<Integer, COSArray> numbers = new LinkedHashMap<>();
        int key = 0;
        for (PDPage page : doc.getPages()) {
            List<PDStructureElement> ids = content.getOrDefault(page, List.of());
            COSArray array = new COSArray();
            ids.forEach(e -> array.add(e.getCOSObject()));
            page.setStructParents(key);
            page.getCOSObject().setName(COSName.getPDFName("Tabs"), "S"); // tab order follows the structure
            numbers.put(key++, array);
        }
        PDNumberTreeNode tree = new PDNumberTreeNode(COSArray.class);
        tree.setNumbers(numbers);
        root.setParentTree(tree);
        root.setParentTreeNextKey(key);
    }
}
