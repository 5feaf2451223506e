package com.github.searchd.opensearch.nori;

import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;

/**
 * {@code nori} analyzer: nori_tokenizer, nori_part_of_speech,
 * nori_readingform and lowercase, taking the tokenizer's and the
 * part-of-speech filter's settings.
 */
public final class NoriAnalyzerProvider extends AbstractIndexAnalyzerProvider<KoreanAnalyzer> {
    public static final String NAME = "nori";

    private final KoreanAnalyzer analyzer;

    public NoriAnalyzerProvider(IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, name, settings);
        this.analyzer = new KoreanAnalyzer(
            NoriTokenizerFactory.userDictionary(env, settings),
            NoriTokenizerFactory.decompoundMode(settings),
            NoriPartOfSpeechStopFilterFactory.stopTags(settings),
            false);
    }

    @Override
    public KoreanAnalyzer get() {
        return analyzer;
    }
}
