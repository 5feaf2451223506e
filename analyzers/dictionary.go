package analyzers

import (
	"sync"

	ko "github.com/ikawaha/kagome-dict-ko"
	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// systemDictionary is mecab-ko-dic as shipped by kagome-dict-ko, loaded on
// first use (about 1.4 s and a few hundred MB) and shared by every analyzer
// in the process. kagome's Tokenizer only reads the dictionary and takes a
// fresh lattice from a sync.Pool on every call, so one instance serves all
// goroutines.
var systemDictionary struct {
	once sync.Once
	dict *dict.Dict
	tok  *tokenizer.Tokenizer
	err  error
}

func systemTokenizer() (*dict.Dict, *tokenizer.Tokenizer, error) {
	s := &systemDictionary
	s.once.Do(func() {
		s.dict = ko.Dict()
		s.tok, s.err = tokenizer.New(s.dict, tokenizer.OmitBosEos())
	})
	return s.dict, s.tok, s.err
}
