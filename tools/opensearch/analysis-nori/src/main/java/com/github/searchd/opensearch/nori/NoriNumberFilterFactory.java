package com.github.searchd.opensearch.nori;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ko.KoreanNumberFilter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;

/** {@code nori_number}: normalizes Hangul numerals to Arabic digits (삼만 → 30000). */
public final class NoriNumberFilterFactory extends AbstractTokenFilterFactory {
    public static final String NAME = "nori_number";

    public NoriNumberFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, name, settings);
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new KoreanNumberFilter(tokenStream);
    }
}
