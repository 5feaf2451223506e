package com.github.searchd.opensearch.nori;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.POS;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;

/**
 * {@code nori_part_of_speech}: removes tokens whose part-of-speech tag is in
 * {@code stoptags} (mecab-ko-dic tag names such as "E", "J", "VCP"); without
 * {@code stoptags}, Lucene's default set (endings, particles, symbols, ...).
 */
public final class NoriPartOfSpeechStopFilterFactory extends AbstractTokenFilterFactory {
    public static final String NAME = "nori_part_of_speech";
    static final String STOPTAGS = "stoptags";

    private final Set<POS.Tag> stopTags;

    public NoriPartOfSpeechStopFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, name, settings);
        this.stopTags = stopTags(settings);
    }

    /** Parses {@code stoptags}; shared with the nori analyzer. */
    static Set<POS.Tag> stopTags(Settings settings) {
        List<String> names = settings.getAsList(STOPTAGS, null);
        if (names == null) {
            return KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS;
        }
        Set<POS.Tag> tags = new HashSet<>();
        for (String tagName : names) {
            try {
                tags.add(POS.resolveTag(tagName.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[" + STOPTAGS + "] has an unknown part-of-speech tag [" + tagName + "]", e);
            }
        }
        return tags;
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new KoreanPartOfSpeechStopFilter(tokenStream, stopTags);
    }
}
