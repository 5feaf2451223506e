// Package deps pins the modules the packages under construction use, so
// `go mod tidy` keeps them while those packages land. Remove once every
// module here is imported by real code.
package deps

import (
	_ "github.com/blevesearch/bleve/v2"
	_ "github.com/gin-gonic/gin"
	_ "github.com/ikawaha/kagome-dict-ko"
	_ "github.com/ikawaha/kagome/v2/tokenizer"
	_ "github.com/olivere/elastic/v7"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "go.uber.org/zap"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/text/unicode/norm"
	_ "gopkg.in/yaml.v3"
)
