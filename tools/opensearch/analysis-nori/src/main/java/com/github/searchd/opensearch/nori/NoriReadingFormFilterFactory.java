package com.github.searchd.opensearch.nori;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ko.KoreanReadingFormFilter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;

/** {@code nori_readingform}: replaces Hanja tokens with their Hangul reading (中國 → 중국). */
public final class NoriReadingFormFilterFactory extends AbstractTokenFilterFactory {
    public static final String NAME = "nori_readingform";

    public NoriReadingFormFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, name, settings);
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new KoreanReadingFormFilter(tokenStream);
    }
}
