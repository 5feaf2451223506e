// Package trending turns the search-event stream into realtime trending
// keywords (실시간 급상승 검색어): keywords searched more than usual right now.
//
// # Pipeline
//
// Every search reaches a [Counter] (an engine.EventSink) as an
// engine.SearchEvent. Publish is non-blocking: it normalizes the canonical
// keyword, drops noise (counted by reason in
// searchd_trending_excluded_total), hashes the user's identity and queues a
// [Hit] on a bounded channel; when the channel is full the hit is dropped and
// counted in searchd_trending_dropped_total{reason="queue_full"}. Workers
// drain the channel in batches and ask the [Store] which hits count (the
// dedup decision, one EVALSHA per batch for Redis, shared at once by every
// instance); counted hits are aggregated per keyword in a [Tally] that is
// written every CountInterval (1 s), one update per keyword rather than
// per search.
//
// A [Job] runs on every instance but computes only while it holds the
// leader lock (a Store lock with expiry, renewed every third of its TTL; a
// dead leader is replaced within one lock period). Every Interval (default
// 30 s, as Naver settled on) the leader maintains the store (rescale, trim),
// scores the candidate pool and stores a [Snapshot]. Readers get that
// snapshot with one cheap read and never trigger a computation.
//
// # Keys
//
// A keyword's key is the event's Canonical keyword (already normalized by the
// Korean analyzer and mapped to its synonym group's canonical member by the
// search service) normalized again defensively: Unicode NFC (some clients
// send decomposed jamo), lower case, and all white space removed, so
// "아이폰15", "아이폰 15" and "아이폰  15" are one keyword. Removing spaces
// merges spacing variants, which Korean users type inconsistently; two
// different phrases that differ only by spaces are treated as the same
// keyword, which we accept. The display form is the most frequent surface
// form (the raw query, NFC, trimmed, spaces collapsed) seen for the key.
//
// # Counting (forward decay)
//
// Counts decay exponentially with two half-lives, short (recent, default 2
// min) and long (baseline, default 2 h). Following Cormode et al.'s forward
// decay, an event at time t adds exp(λ·(t−L)) to the keyword's score, where
// λ = ln 2 / half-life and L is a landmark time; the decayed count at time T
// is score·exp(−λ·(T−L)). So one event is one ZINCRBY per set and no
// periodic decay pass is needed; all members share L, so the sorted-set
// order is the decayed-count order. When λ·(T−L) grows past
// [RescaleExponent] the leader rescales both sets in one atomic step (scores
// multiplied by exp(−λ·(T'−L)), L moved to T'), so scores never overflow.
// The sets are trimmed to a bounded candidate pool (PoolSize for the recent
// set, 4×PoolSize for the baseline set).
//
// One user (UserID, else SessionID, else ClientIP; HMAC-hashed, raw values
// are never stored) counts at most once per keyword per DedupWindow: an
// event is accepted when the user has no accepted event for the keyword in
// the last DedupWindow (sliding). Distinct users per keyword are counted in
// UsersWindow buckets (HyperLogLog in Redis); a keyword's users are those of
// the current and the previous bucket.
//
// # Ranking
//
// For keyword k at time T, with C_s(k), C_l(k) its recent and baseline
// decayed counts and T_s, T_l the decayed totals of all counted events:
//
//	E(k)     = C_l(k) · (T_s − C_s(k)) / (T_l − C_l(k))   expected recent count
//	score(k) = (C_s(k) − E(k)) / sqrt(E(k) + Prior)
//	ratio(k) = C_s(k) / (E(k) + Prior)
//
// E(k) is what the keyword would have in the recent window if it kept its
// usual share of the traffic; scaling by the rest of the traffic's
// recent/baseline ratio rather than using the absolute baseline rate
// cancels the daily rhythm (everything rises in the evening; nothing is
// rising against its share), and leaving k out of that ratio keeps a burst
// from raising its own expectation. (With no other traffic the
// steady-state ratio λ_l/λ_s is used.) score is a Poisson z-score: a count whose mean
// is E has standard deviation about sqrt(E), so score is the rise in units
// of the keyword's own deviation — Naver's rate of increase against a
// per-keyword mean and deviation, and Twitter's velocity over a baseline
// ("novelty over popularity"): a popular keyword at its usual level scores
// about 0 however large it is, a new keyword (E = 0) scores
// C_s/sqrt(Prior). Prior keeps tiny baselines from exploding the score.
//
// # Cold start and low traffic
//
// On a fresh instance every count is seconds old: C_l ≈ C_s for every
// keyword, so its own share predicts its own burst (E ≈ C_s) and nothing
// is ever "more than usual". [Rules.Expected] therefore takes the usual
// share from the counts older than the recent window, D(k) = C_l − C_s
// (the two decay kernels differ by ≈ 0 for the last minute and ≈ 1 beyond
// ten), as the posterior mean of a Beta prior:
//
//	E(k) = (T_s − C_s(k)) · (D(k) + M/N) / (D_rest + M)
//
// with N the distinct keywords of the pool (the share 1/N an unseen
// keyword gets), D_rest the rest of the traffic's older counts and M =
// MinUsers = 10 ([Rules.PriorMass]: until the older history holds more
// searches than it takes to list one keyword, it cannot say what is
// usual). In steady state D(k)/D_rest is the keyword's share, so
// established traffic ranks as before. The recent-volume gate moves with
// the same weight from MinRecentCold (5: ten users within two minutes) to
// MinRecent (10) ([Rules.MinRecentAt]); the other gates are unchanged:
// distinct users ≥ MinUsers, one count per user per DedupWindow, ratio
// and score. [Rules.OldRules] is the scoring before (own share of C_l,
// MinRecent 10), kept for the harness.
//
// A keyword is shown when every gate holds: not blocklisted, C_s ≥
// MinRecent (enough recent volume), distinct users ≥ MinUsers (one user repeating a
// query cannot push it up), ratio ≥ MinRatio and score ≥ MinScore; shown
// keywords are ranked by score. [Rules.Evaluate] is the single
// implementation of this for every store and for the harness's exact
// offline computation.
//
// # Noise
//
// Not counted, each by reason: queries holding personal data (package
// ingest/pii: phone numbers, e-mail addresses, resident registration
// numbers, card numbers, URL credentials; "personal_data_<kind>", checked
// on the query, canonical and normalized text), empty keys ("empty"), keys longer than
// MaxRunes ("too_long"), keys with no letter — only symbols and digits
// ("no_letters"), events with no identity ("no_identity"), and zero-result
// searches of a keyword after ZeroResultRepeat zero-result searches in a row
// on this instance ("zero_results"; a search with results resets it).
//
// # Blocklist
//
// Admins keep a [Blocklist] of exact keywords and glob patterns ('*' any
// run of characters, '?' one character; nothing else is special), both
// matched against the normalized key, so "아이폰 15" also blocks "아이폰15".
// A change applies at once: snapshots are filtered by the current blocklist
// on every read.
//
// # Moderation and categories
//
// With [ReviewConfig] enabled, a keyword that would enter the list for the
// first time waits in a review queue (the store's review state, shared by
// every instance) until an admin approves or blocks it, or until
// AutoApprove has passed; every decision and blocklist change is recorded
// through the [Config] Auditor with the actor of the context. Searches
// filtered on a category also count in that category's key space, and the
// job publishes one snapshot per tracked category (at most MaxCategories,
// 32 by default, the first ones searched; see category.go).
//
// # API for the HTTP layer
//
//	svc, _ := trending.New(cfg, store, registry, logger) // store: NewMemoryStore or redistrend.New
//	go svc.Run(ctx)                       // counter worker + leader job
//	svc.Publish(ctx, ev)                  // engine.EventSink
//	snap, _ := svc.Snapshot(ctx)          // GET /api/v1/trending; snap.Top(size)
//	bl, _ := svc.Blocklist(ctx)           // admin GET
//	bl, err = svc.SetBlocklist(ctx, bl)   // admin PUT: stored (normalized) form; engine.Invalid on bad input
//	cands, _ := svc.Debug(ctx)            // admin debug view
//	snap, _ = svc.CategorySnapshot(ctx, c) // GET /api/v1/trending?category=
//	q, _ := svc.ReviewQueue(ctx)          // admin: waiting keywords
//	_, err = svc.Approve(ctx, kw)         // or svc.Block: audited
//	_ = svc.Close()
//
// Snapshot is cheap (one MGET: snapshot and blocklist) and the same on
// every instance; the HTTP layer may cache it for Window.IntervalSeconds.
// Store errors are engine errors (Unavailable) or context errors.
package trending
