import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * "Elasticsearch + nori" stand-in: Lucene KoreanAnalyzer (defaults: decompound DISCARD, default stop tags),
 * BM25, and a boosted multi-field query over title, questions, tags and body.
 *
 * Usage: java -cp lucene-core, analyzers-common, analyzers-nori, queryparser jars NoriBench docs.tsv < queries.txt
 *
 * docs.tsv, UTF-8, one document a line: id, title, questions, tags, body separated by tabs, where each value
 * has backslash, tab, newline and carriage return escaped as \\, \t, \n and \r.
 * stdin, UTF-8: one query a line. stdout: for each query, one line with the top-10 ids separated by tabs
 * (an empty line when nothing matches or the query does not parse).
 */
public class NoriBench {
    static final String[] FIELDS = {"title", "questions", "tags", "body"};
    static final Map<String, Float> BOOSTS = new HashMap<>();

    static {
        BOOSTS.put("title", 3.0f);
        BOOSTS.put("questions", 2.5f);
        BOOSTS.put("tags", 2.0f);
        BOOSTS.put("body", 1.0f);
    }

    static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static List<Document> readDocs(String path) throws IOException {
        List<Document> docs = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(path), StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] columns = line.split("\t", -1);
            if (columns.length != 1 + FIELDS.length) {
                throw new IOException("expected " + (1 + FIELDS.length) + " columns, got " + columns.length);
            }
            Document doc = new Document();
            doc.add(new StringField("id", unescape(columns[0]), Field.Store.YES));
            for (int i = 0; i < FIELDS.length; i++) {
                doc.add(new TextField(FIELDS[i], unescape(columns[i + 1]), Field.Store.NO));
            }
            docs.add(doc);
        }
        return docs;
    }

    public static void main(String[] args) throws Exception {
        Analyzer analyzer = new KoreanAnalyzer();
        Directory directory = new ByteBuffersDirectory();
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            writer.addDocuments(readDocs(args[0]));
        }
        IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(directory));
        searcher.setSimilarity(new BM25Similarity());
        MultiFieldQueryParser parser = new MultiFieldQueryParser(FIELDS, analyzer, BOOSTS);
        parser.setDefaultOperator(QueryParser.Operator.OR);

        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            List<String> ids = new ArrayList<>();
            try {
                Query query = parser.parse(QueryParser.escape(line.trim()));
                for (ScoreDoc hit : searcher.search(query, 10).scoreDocs) {
                    ids.add(searcher.doc(hit.doc).get("id"));
                }
            } catch (ParseException e) {
                // leave ids empty: an empty line stands for "no results"
            }
            out.println(String.join("\t", ids));
        }
        out.flush();
    }
}
