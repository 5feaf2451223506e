package analyzers_test

import (
	"reflect"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

func TestPartOfSpeechFilterDefaults(t *testing.T) {
	f, err := analyzers.NewPartOfSpeechFilter(analyzers.PartOfSpeechConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// nori's documented defaults.
	want := []string{"E", "IC", "J", "MAG", "MAJ", "MM", "SP", "SSC", "SSO", "SC", "SE", "XPN", "XSA", "XSN", "XSV", "UNA", "NA", "VSV"}
	if got := f.StopTags(); !reflect.DeepEqual(got, want) {
		t.Errorf("StopTags = %v, want %v", got, want)
	}
	if f.Name() != "nori_part_of_speech" {
		t.Errorf("Name = %q", f.Name())
	}
}

func TestPartOfSpeechFilterUsesLeftPOS(t *testing.T) {
	f, err := analyzers.NewPartOfSpeechFilter(analyzers.PartOfSpeechConfig{StopTags: []string{"vv", "JKS"}})
	if err != nil {
		t.Fatal(err)
	}
	// Tags are upper-cased; JKS means every particle (J), as in nori.
	if got, want := f.StopTags(), []string{"VV", "J"}; !reflect.DeepEqual(got, want) {
		t.Errorf("StopTags = %v, want %v", got, want)
	}
	toks := []analyzers.Token{
		{Term: "샀", Position: 0, POSType: "INFLECT", LeftPOS: "VV", RightPOS: "E"},
		{Term: "책", Position: 1, LeftPOS: "NNG", RightPOS: "NNG"},
		{Term: "을", Position: 2, LeftPOS: "J", RightPOS: "J"},
		{Term: "나무", Position: 3, LeftPOS: "NNG", RightPOS: "VV"}, // only the left POS counts
		{Term: "동의어", Position: 3},                                // no POS: kept
	}
	var terms []string
	var positions []int
	for _, tk := range f.Filter(toks) {
		terms = append(terms, tk.Term)
		positions = append(positions, tk.Position)
	}
	if want := []string{"책", "나무", "동의어"}; !reflect.DeepEqual(terms, want) {
		t.Errorf("terms = %v, want %v", terms, want)
	}
	if want := []int{1, 3, 3}; !reflect.DeepEqual(positions, want) {
		t.Errorf("positions = %v, want %v (gaps kept)", positions, want)
	}
}

func TestPartOfSpeechFilterRejectsUnknownTags(t *testing.T) {
	_, err := analyzers.NewPartOfSpeechFilter(analyzers.PartOfSpeechConfig{StopTags: []string{"NNG", "NOUN"}})
	if engine.ErrorCode(err) != engine.Invalid {
		t.Fatalf("err = %v, want an invalid_argument error", err)
	}
}

func TestReadingFormAndLowercase(t *testing.T) {
	toks := []analyzers.Token{
		{Term: "世宗", Reading: "세종"},
		{Term: "iPhone"},
		{Term: "ПРИВЕТ"},
		{Term: "한글"},
	}
	toks = analyzers.NewReadingFormFilter().Filter(toks)
	toks = analyzers.NewLowercaseFilter().Filter(toks)
	var terms []string
	for _, tk := range toks {
		terms = append(terms, tk.Term)
	}
	if want := []string{"세종", "iphone", "привет", "한글"}; !reflect.DeepEqual(terms, want) {
		t.Errorf("terms = %v, want %v", terms, want)
	}
}
