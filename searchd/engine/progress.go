package engine

import "context"

type progressKey struct{}

// WithProgress returns ctx carrying a callback that long operations
// (CopyVersion) call with the number of documents they have just
// processed, so a rebuild job can show done / total, rate and ETA.
func WithProgress(ctx context.Context, f func(n int)) context.Context {
	return context.WithValue(ctx, progressKey{}, f)
}

// ReportProgress tells ctx's progress callback, if any, that n more
// documents were processed.
func ReportProgress(ctx context.Context, n int) {
	if f, ok := ctx.Value(progressKey{}).(func(int)); ok && f != nil {
		f(n)
	}
}
