package com.github.searchd.opensearch.nori;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.opensearch.Version;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;

/** Runs the factories the plugin registers on real text with Lucene's dictionary. */
public class NoriAnalysisPluginTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private IndexSettings indexSettings() {
        Settings settings = Settings.builder()
            .put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT)
            .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
            .put(IndexMetadata.SETTING_NUMBER_OF_REPLICAS, 0)
            .build();
        return new IndexSettings(IndexMetadata.builder("test").settings(settings).build(), Settings.EMPTY);
    }

    private Environment env() throws IOException {
        Path home = tmp.newFolder().toPath();
        Path config = Files.createDirectories(home.resolve("config"));
        return new Environment(Settings.builder().put("path.home", home).build(), config);
    }

    /** A nori_tokenizer built from settings, reading text. */
    private Tokenizer tokenizer(Environment env, Settings settings, String text) {
        Tokenizer t = new NoriTokenizerFactory(indexSettings(), env, "t", settings).create();
        t.setReader(new StringReader(text));
        return t;
    }

    /** Terms of the stream as "term/positionIncrement". */
    private static List<String> terms(TokenStream ts) throws IOException {
        List<String> out = new ArrayList<>();
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
            out.add(term + "/" + inc.getPositionIncrement());
        }
        ts.end();
        ts.close();
        return out;
    }

    @Test
    public void registersDocumentedNames() {
        NoriAnalysisPlugin plugin = new NoriAnalysisPlugin();
        assertEquals(List.of("nori_tokenizer"), new ArrayList<>(plugin.getTokenizers().keySet()));
        assertTrue(plugin.getTokenFilters().keySet().containsAll(List.of("nori_part_of_speech", "nori_readingform", "nori_number")));
        assertTrue(plugin.getAnalyzers().containsKey("nori"));
    }

    @Test
    public void userDictionaryRulesDecompoundDiscard() throws IOException {
        Settings s = Settings.builder().putList("user_dictionary_rules", "삼성전자 삼성 전자").build();
        assertEquals(List.of("삼성/1", "전자/1"), terms(tokenizer(env(), s, "삼성전자")));
    }

    @Test
    public void userDictionaryRulesDecompoundMixedStacksCompound() throws IOException {
        Settings s = Settings.builder()
            .putList("user_dictionary_rules", "삼성전자 삼성 전자")
            .put("decompound_mode", "mixed")
            .build();
        assertEquals(List.of("삼성전자/1", "삼성/0", "전자/1"), terms(tokenizer(env(), s, "삼성전자")));
    }

    @Test
    public void userDictionaryFileFromConfigDirectory() throws IOException {
        Environment env = env();
        Files.write(env.configFile().resolve("userdict_ko.txt"), "삼성전자 삼성 전자\n".getBytes(StandardCharsets.UTF_8));
        Settings s = Settings.builder().put("user_dictionary", "userdict_ko.txt").put("decompound_mode", "none").build();
        assertEquals(List.of("삼성전자/1"), terms(tokenizer(env, s, "삼성전자")));
    }

    @Test
    public void punctuationKeptWhenAsked() throws IOException {
        Settings keep = Settings.builder().put("discard_punctuation", false).build();
        assertTrue(terms(tokenizer(env(), keep, "안녕!")).contains("!/1"));
        assertTrue(!terms(tokenizer(env(), Settings.EMPTY, "안녕!")).contains("!/1"));
    }

    @Test
    public void badSettingsAreRejected() throws IOException {
        Environment env = env();
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
            () -> tokenizer(env, Settings.builder().put("decompound_mode", "sometimes").build(), ""));
        assertTrue(mode.getMessage(), mode.getMessage().contains("decompound_mode"));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
            () -> tokenizer(env, Settings.builder()
                .put("user_dictionary", "x.txt").putList("user_dictionary_rules", "삼전").build(), ""));
        assertTrue(both.getMessage(), both.getMessage().contains("not both"));
        IllegalArgumentException tag = assertThrows(IllegalArgumentException.class,
            () -> new NoriPartOfSpeechStopFilterFactory(indexSettings(), env, "p",
                Settings.builder().putList("stoptags", "NOPE").build()));
        assertTrue(tag.getMessage(), tag.getMessage().contains("NOPE"));
    }

    @Test
    public void partOfSpeechStopTags() throws IOException {
        Environment env = env();
        Settings stopParticles = Settings.builder().putList("stoptags", "J").build();
        TokenStream ts = new NoriPartOfSpeechStopFilterFactory(indexSettings(), env, "p", stopParticles)
            .create(tokenizer(env, Settings.EMPTY, "영화가 재밌다"));
        List<String> got = terms(ts);
        assertTrue(got.toString(), got.contains("영화/1"));
        assertTrue(got.toString(), !got.contains("가/1"));
    }

    @Test
    public void readingFormTurnsHanjaIntoHangul() throws IOException {
        Environment env = env();
        TokenStream ts = new NoriReadingFormFilterFactory(indexSettings(), env, "r", Settings.EMPTY)
            .create(tokenizer(env, Settings.EMPTY, "中國"));
        assertEquals(List.of("중국/1"), terms(ts));
    }
}
