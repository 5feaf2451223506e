package com.github.searchd.opensearch.nori;

import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

/**
 * Registers Korean analysis components under the names Elasticsearch's and
 * OpenSearch's nori documentation uses, so index settings written for either
 * work unchanged.
 */
public final class NoriAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of(NoriTokenizerFactory.NAME, NoriTokenizerFactory::new);
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            NoriPartOfSpeechStopFilterFactory.NAME, NoriPartOfSpeechStopFilterFactory::new,
            NoriReadingFormFilterFactory.NAME, NoriReadingFormFilterFactory::new,
            NoriNumberFilterFactory.NAME, NoriNumberFilterFactory::new
        );
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of(NoriAnalyzerProvider.NAME, NoriAnalyzerProvider::new);
    }
}
