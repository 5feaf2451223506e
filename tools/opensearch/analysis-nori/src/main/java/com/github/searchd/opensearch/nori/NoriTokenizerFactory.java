package com.github.searchd.opensearch.nori;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.KoreanTokenizer.DecompoundMode;
import org.apache.lucene.analysis.ko.dict.UserDictionary;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.Analysis;

/**
 * {@code nori_tokenizer}: Lucene's KoreanTokenizer (mecab-ko-dic).
 *
 * <p>Settings: {@code decompound_mode} (none, discard — the default — or mixed),
 * {@code discard_punctuation} (default true), and a user dictionary given
 * either inline as {@code user_dictionary_rules} (one entry per element, e.g.
 * "삼성전자 삼성 전자") or as a file {@code user_dictionary} relative to the
 * node's config directory, not both.
 */
public final class NoriTokenizerFactory extends AbstractTokenizerFactory {
    public static final String NAME = "nori_tokenizer";
    static final String DECOMPOUND_MODE = "decompound_mode";
    static final String DISCARD_PUNCTUATION = "discard_punctuation";
    static final String USER_DICTIONARY = "user_dictionary";
    static final String USER_DICTIONARY_RULES = "user_dictionary_rules";

    private final UserDictionary userDictionary;
    private final DecompoundMode decompoundMode;
    private final boolean discardPunctuation;

    public NoriTokenizerFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, settings, name);
        this.decompoundMode = decompoundMode(settings);
        this.userDictionary = userDictionary(env, settings);
        this.discardPunctuation = settings.getAsBoolean(DISCARD_PUNCTUATION, true);
    }

    /** Parses {@code decompound_mode}; shared with the nori analyzer. */
    static DecompoundMode decompoundMode(Settings settings) {
        String value = settings.get(DECOMPOUND_MODE);
        if (value == null) {
            return KoreanTokenizer.DEFAULT_DECOMPOUND;
        }
        try {
            return DecompoundMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "[" + DECOMPOUND_MODE + "] must be one of "
                    + Arrays.toString(DecompoundMode.values()).toLowerCase(Locale.ROOT)
                    + ", got [" + value + "]");
        }
    }

    /**
     * Loads the user dictionary from {@code user_dictionary_rules} or the
     * {@code user_dictionary} file; null when neither is set.
     */
    static UserDictionary userDictionary(Environment env, Settings settings) {
        List<String> rules = settings.getAsList(USER_DICTIONARY_RULES, null);
        boolean hasFile = settings.get(USER_DICTIONARY) != null;
        if (rules != null && hasFile) {
            throw new IllegalArgumentException(
                "set either [" + USER_DICTIONARY + "] or [" + USER_DICTIONARY_RULES + "], not both");
        }
        if (rules == null && !hasFile) {
            return null;
        }
        try (Reader reader = rules != null
            ? new StringReader(String.join("\n", rules))
            : Analysis.getReaderFromFile(env, settings, USER_DICTIONARY)) {
            return UserDictionary.open(reader);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load the nori user dictionary: " + e.getMessage(), e);
        }
    }

    @Override
    public Tokenizer create() {
        return new KoreanTokenizer(
            TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, userDictionary, decompoundMode, false, discardPunctuation);
    }
}
