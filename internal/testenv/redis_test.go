package testenv_test

import (
	"context"
	"testing"

	"github.com/searchd/searchd/internal/testenv"
)

func TestStartRedis(t *testing.T) {
	r := testenv.StartRedis(t)
	c := r.Client(t)
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.Get(ctx, "k").Val(); got != "v" {
		t.Fatalf("got %q, want v", got)
	}
}
