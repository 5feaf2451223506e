package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/demo"
	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/dictionary/elasticstore"
	"github.com/searchd/searchd/searchd/engine"
)

// firstAnalysis is the analysis of the first index version: the
// -synonyms and -user-dict files when given, else the demo dictionaries in
// demo mode, else none. An existing index keeps its own (see
// reportDictionaryFiles).
func firstAnalysis(cfg config) (engine.AnalysisSettings, error) {
	var a engine.AnalysisSettings
	if cfg.Demo {
		a.Synonyms, a.UserDictionary = demo.Synonyms(), demo.UserDictionary()
	}
	syn, ud, err := dictionaryFiles(cfg)
	if err != nil {
		return a, err
	}
	if cfg.SynonymsFile != "" {
		a.Synonyms = syn
	}
	if cfg.UserDictFile != "" {
		a.UserDictionary = dictionary.Analysis("", ud, dictionary.Options{}).UserDictionary
	}
	return a, nil
}

// dictionaryFiles reads the -synonyms and -user-dict files (empty when not
// given), within the dictionary size limits.
func dictionaryFiles(cfg config) (syn, ud string, err error) {
	read := func(path string) (string, error) {
		if path == "" {
			return "", nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("dictionary file: %w", err)
		}
		return string(b), nil
	}
	if syn, err = read(cfg.SynonymsFile); err != nil {
		return "", "", err
	}
	if ud, err = read(cfg.UserDictFile); err != nil {
		return "", "", err
	}
	if err := dictionary.CheckSize(dictionary.Draft{Synonyms: syn, UserDictionary: ud}); err != nil {
		return "", "", fmt.Errorf("dictionary files: %w", err)
	}
	return syn, ud, nil
}

// rebuildLockTTL is the expiry of the rebuild lock in Redis: a dead
// instance's job frees it within this time.
const rebuildLockTTL = 30 * time.Second

// openDictionaries builds dictionary administration over the engine: the
// history and audit trail under the data directory (embedded) or in the
// cluster (elastic, with a Redis lock shared by every instance).
func openDictionaries(ctx context.Context, cfg config, log *zap.Logger, b *backend, rdb *redis.Client) error {
	var (
		store dictionary.Store
		audit dictionary.AuditLog
		lock  dictionary.Locker
	)
	switch cfg.Engine {
	case engineElastic:
		es, err := elasticstore.Open(ctx, elasticstore.Config{URLs: cfg.ESURLs, Prefix: cfg.ESPrefix})
		if err != nil {
			return fmt.Errorf("open the dictionary history: %w", err)
		}
		b.closers = append([]func() error{es.Close}, b.closers...)
		store, audit = es, es
		lock = dictionary.RedisLock{C: rdb, Key: cfg.ESPrefix + "searchd:rebuild-lock", TTL: rebuildLockTTL}
	default:
		fs, err := dictionary.OpenFileStore(filepath.Join(cfg.DataDir, "dictionaries"))
		if err != nil {
			return err
		}
		store, audit = fs, fs
	}
	b.audit = dictionary.LoggedAudit{AuditLog: audit, Log: log}
	svc, err := dictionary.New(dictionary.Config{Engine: b.eng, Store: store, Audit: b.audit, Lock: lock,
		Queries: b.analytics, KeepVersions: cfg.KeepVersions, Logger: log})
	if err != nil {
		return err
	}
	b.dicts = svc
	// Jobs stop (and drop their half-built versions) before the engine
	// closes.
	b.closers = append([]func() error{svc.Close}, b.closers...)
	return nil
}

// startDictionaries records the live set in the history and recovers
// from interrupted jobs (once the engine is ready), and says when the
// -synonyms / -user-dict files differ from the live set: the live set
// wins, nothing is rebuilt behind the admin's back.
func startDictionaries(ctx context.Context, cfg config, log *zap.Logger, b *backend) error {
	if b.dicts == nil {
		return nil
	}
	if err := b.dicts.Start(ctx); err != nil {
		return fmt.Errorf("dictionaries: %w", err)
	}
	if cfg.SynonymsFile == "" && cfg.UserDictFile == "" {
		return nil
	}
	live, err := b.dicts.Live(ctx)
	if err != nil {
		return err
	}
	file, err := firstAnalysis(cfg)
	if err != nil {
		return err
	}
	d, err := dictionary.DiffSettings(live.Analysis(), file)
	if err != nil {
		log.Warn("the dictionary files do not build; the live dictionaries stay", zap.Error(err))
		return nil
	}
	if !d.Empty() {
		log.Warn("the dictionary files differ from the live dictionaries; the live ones stay (apply the files through the admin API to change them)",
			zap.String("synonyms_file", cfg.SynonymsFile), zap.String("user_dict_file", cfg.UserDictFile),
			zap.Int("live_version", live.Version), zap.Int("rules_differing", d.Size()),
			zap.Int("synonym_groups_added", len(d.Synonyms.Added)), zap.Int("synonym_groups_removed", len(d.Synonyms.Removed)),
			zap.Int("synonym_groups_changed", len(d.Synonyms.Changed)),
			zap.Int("user_dictionary_added", len(d.UserDictionary.Added)), zap.Int("user_dictionary_removed", len(d.UserDictionary.Removed)))
	}
	return nil
}
