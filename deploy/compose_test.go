package deploy_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// The repository root relative to this package, and the files the checks
// read from it.
const (
	repoRoot    = ".."
	composePath = "docker-compose.yml"
	configPath  = "searchd/config.go"
	pomPath     = "tools/opensearch/pom.xml"
)

// The profile that adds OpenSearch, and the services each part must have.
const osProfile = "opensearch"

var (
	defaultServices = []string{"elasticsearch", "redis", "searchd"}
	profileServices = []string{"opensearch", "searchd-opensearch"}
	// searchd instance → the backends its environment must point at.
	searchdBackends = map[string][]string{
		"searchd":            {"elasticsearch", "redis"},
		"searchd-opensearch": {"opensearch"},
	}
	// searchd instance → the host port it must be published on.
	searchdHostPorts = map[string]string{"searchd": "8080", "searchd-opensearch": "8081"}
	// Variables an elastic-mode searchd cannot run without.
	requiredSearchdEnv = []string{"SEARCHD_ENGINE", "SEARCHD_ES_URL", "SEARCHD_REDIS_ADDR", "SEARCHD_ADDR", "SEARCHD_DATA"}
	// The tokens come from the operator's environment (deploy/README.md):
	// the test provides these values, and each searchd must get exactly
	// them — never a default written in the file.
	tokenEnv = map[string]string{
		"SEARCHD_ADMIN_TOKEN": "compose-test-admin-token-0123456789",
		"SEARCHD_WRITE_TOKEN": "compose-test-write-token-0123456789",
	}
)

// ---- loading -----------------------------------------------------------

// loadProject parses the compose file in fsys with the Compose
// specification's own loader (the parser `docker compose` uses:
// interpolation, schema validation, the consistency checks such as
// depends_on and volumes naming what exists), every profile enabled, with
// env as the operator's environment.
func loadProject(fsys fs.FS, env map[string]string) (*types.Project, error) {
	b, err := fs.ReadFile(fsys, composePath)
	if err != nil {
		return nil, err
	}
	wd, err := filepath.Abs(repoRoot)
	if err != nil {
		return nil, err
	}
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  wd,
		ConfigFiles: []types.ConfigFile{{Filename: composePath, Content: b}},
		Environment: maps.Clone(env), // the loader adds to it
	}, loader.WithProfiles([]string{"*"}), func(o *loader.Options) {
		o.SetProjectName("searchd", true)
		o.ResolvePaths = false // keep build contexts relative to the repository
	})
}

// envOf is a service's environment as plain strings.
func envOf(s types.ServiceConfig) map[string]string {
	m := map[string]string{}
	for k, v := range s.Environment {
		if v != nil {
			m[k] = *v
		} else {
			m[k] = ""
		}
	}
	return m
}

// dockerfilePath is a build's Dockerfile relative to the repository root.
func dockerfilePath(b *types.BuildConfig) string {
	name := b.Dockerfile
	if name == "" {
		name = "Dockerfile"
	}
	return path.Clean(path.Join(b.Context, name))
}

// namedVolume reports whether a mount uses a named volume.
func namedVolume(m types.ServiceVolumeConfig) bool {
	return m.Type == types.VolumeTypeVolume && m.Source != ""
}

// ---- Dockerfiles -------------------------------------------------------

type instruction struct{ Cmd, Args string }

// dockerStages splits a Dockerfile into its stages (each starting with
// FROM), joining continuation lines and dropping comments.
func dockerStages(src string) [][]instruction {
	var (
		stages  [][]instruction
		pending string
	)
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || (t == "" && pending == "") {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			pending += strings.TrimSuffix(t, "\\") + " "
			continue
		}
		t, pending = pending+t, ""
		cmd, args, _ := strings.Cut(t, " ")
		in := instruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		if in.Cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], in)
		}
	}
	return stages
}

// finalStage is the last stage's instructions; nil without a FROM.
func finalStage(src string) []instruction {
	st := dockerStages(src)
	if len(st) == 0 {
		return nil
	}
	return st[len(st)-1]
}

func lastArgs(ins []instruction, cmd string) (string, bool) {
	found, args := false, ""
	for _, in := range ins {
		if in.Cmd == cmd {
			found, args = true, in.Args
		}
	}
	return args, found
}

func anyArgs(ins []instruction, cmd string, pred func(string) bool) bool {
	return slices.ContainsFunc(ins, func(in instruction) bool { return in.Cmd == cmd && pred(in.Args) })
}

// ---- searchd's flags ---------------------------------------------------

var envName = regexp.MustCompile(`^SEARCHD_[A-Z0-9_]+$`)

// flagEnvNames returns the SEARCHD_* names config.go reads: every string
// literal that is exactly such a name (help texts, which mention the name
// inside a longer string, do not count).
func flagEnvNames(src []byte) (map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), configPath, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil && envName.MatchString(s) {
				names[s] = true
			}
		}
		return true
	})
	return names, nil
}

// ---- our checks ----------------------------------------------------------

// The loader already checks the specification (syntax, schema, references
// between services and volumes). What follows is ours: the services this
// repository needs, their wiring to searchd's flags and to each other,
// production tokens, healthchecks, profiles, and the Dockerfiles.

type problem struct{ Where, What string }

func (p problem) String() string { return p.Where + ": " + p.What }

type checker struct {
	p     *types.Project
	fsys  fs.FS
	probs []problem
}

func (k *checker) addf(where, format string, args ...any) {
	k.probs = append(k.probs, problem{where, fmt.Sprintf(format, args...)})
}

func (k *checker) read(name string) (string, bool) {
	b, err := fs.ReadFile(k.fsys, name)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// validate checks a loaded project against the repository in fsys (rooted
// at the repository root) and returns what is wrong with it.
func validate(p *types.Project, fsys fs.FS) []problem {
	k := &checker{p: p, fsys: fsys}
	for _, name := range slices.Concat(defaultServices, profileServices) {
		if _, ok := p.Services[name]; !ok {
			k.addf(name, "service missing")
		}
	}
	for _, name := range defaultServices {
		if s, ok := p.Services[name]; ok && len(s.Profiles) > 0 {
			k.addf(name, "must start without a profile, has profiles %v", s.Profiles)
		}
	}
	for _, name := range profileServices {
		if s, ok := p.Services[name]; ok && !slices.Equal(s.Profiles, []string{osProfile}) {
			k.addf(name, "must be only in profile %q, has profiles %v", osProfile, s.Profiles)
		}
	}
	flagEnv := k.flagEnv()
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		s := p.Services[name]
		k.checkService(name, s)
		if isSearchd(s) {
			k.checkSearchd(name, s, flagEnv)
		}
	}
	if s, ok := p.Services["redis"]; ok && !strings.HasPrefix(s.Image, "redis:7") {
		k.addf("redis", "image %q: want redis:7", s.Image)
	}
	k.checkEngineImages()
	for _, name := range slices.Sorted(maps.Keys(p.Volumes)) {
		used := false
		for _, s := range p.Services {
			used = used || slices.ContainsFunc(s.Volumes, func(m types.ServiceVolumeConfig) bool { return m.Source == name })
		}
		if !used {
			k.addf("volumes", "named volume %q is declared but no service mounts it", name)
		}
	}
	return k.probs
}

func (k *checker) flagEnv() map[string]bool {
	src, ok := k.read(configPath)
	if !ok {
		k.addf(configPath, "cannot read it")
		return nil
	}
	names, err := flagEnvNames([]byte(src))
	if err != nil {
		k.addf(configPath, "does not parse: %v", err)
	}
	return names
}

// isSearchd: a service running the searchd image (built from the root
// Dockerfile) or configured with SEARCHD_* variables.
func isSearchd(s types.ServiceConfig) bool {
	if s.Build != nil && path.Clean(s.Build.Context) == "." {
		return true
	}
	for k := range s.Environment {
		if strings.HasPrefix(k, "SEARCHD_") {
			return true
		}
	}
	return false
}

// checkService: what every service needs here.
func (k *checker) checkService(name string, s types.ServiceConfig) {
	switch {
	case s.Build != nil:
		if fi, err := fs.Stat(k.fsys, path.Clean(s.Build.Context)); err != nil || !fi.IsDir() {
			k.addf(name, "build context %q is not a directory", s.Build.Context)
		} else if _, ok := k.read(dockerfilePath(s.Build)); !ok {
			k.addf(name, "build: %s does not exist", dockerfilePath(s.Build))
		}
	case s.Image == "":
		k.addf(name, "has neither image nor build")
	}
	h := s.HealthCheck
	switch {
	case h == nil:
		k.addf(name, "no healthcheck")
	case h.Disable || len(h.Test) < 2 || h.Test[0] == "NONE":
		k.addf(name, "healthcheck disabled or without a command: %q", h.Test)
	}
	if s.Restart == "" || s.Restart == "no" {
		k.addf(name, "no restart policy")
	}
	for _, dep := range slices.Sorted(maps.Keys(s.DependsOn)) {
		if d, ok := k.p.Services[dep]; ok && len(s.Profiles) == 0 && len(d.Profiles) > 0 {
			k.addf(name, "depends_on %q, which only starts with profiles %v", dep, d.Profiles)
		}
	}
}

// containerPorts: the ports a service offers to the others.
func containerPorts(s types.ServiceConfig) []string {
	out := slices.Clone([]string(s.Expose))
	for _, p := range s.Ports {
		out = append(out, strconv.Itoa(int(p.Target)))
	}
	return out
}

// checkSearchd: a searchd instance's wiring.
func (k *checker) checkSearchd(name string, s types.ServiceConfig, flagEnv map[string]bool) {
	env := envOf(s)
	for _, v := range slices.Sorted(maps.Keys(env)) {
		if strings.HasPrefix(v, "SEARCHD_") && !flagEnv[v] {
			k.addf(name, "%s is not a flag default in %s", v, configPath)
		}
	}
	for _, v := range requiredSearchdEnv {
		if env[v] == "" {
			k.addf(name, "%s is not set", v)
		}
	}
	if e := env["SEARCHD_ENGINE"]; e != "" && e != "elastic" {
		k.addf(name, "SEARCHD_ENGINE=%q: want elastic", e)
	}
	// Published on a host port: production, with the operator's tokens.
	if env["SEARCHD_ENV"] != "production" {
		k.addf(name, "SEARCHD_ENV=%q: a published searchd must run with SEARCHD_ENV=production", env["SEARCHD_ENV"])
	}
	for _, v := range slices.Sorted(maps.Keys(tokenEnv)) {
		if env[v] != tokenEnv[v] {
			k.addf(name, "%s is not taken from the environment (want ${%s:?...}, got %q)", v, v, env[v])
		}
	}
	pointsAt := map[string]bool{}
	for _, v := range slices.Sorted(maps.Keys(env)) {
		for _, addr := range strings.Split(env[v], ",") {
			host, port, ok := serviceAddr(strings.TrimSpace(addr))
			if !ok {
				continue
			}
			pointsAt[host] = true
			target, exists := k.p.Services[host]
			switch {
			case !exists:
				k.addf(name, "%s=%s: no service %q", v, env[v], host)
				continue
			case !slices.Contains(containerPorts(target), port):
				k.addf(name, "%s=%s: service %q does not expose port %s (expose: %v)", v, env[v], host, port, containerPorts(target))
			}
			if dep, ok := s.DependsOn[host]; !ok || dep.Condition != types.ServiceConditionHealthy {
				k.addf(name, "%s points at %q, so depends_on %q needs condition: service_healthy", v, host, host)
			}
		}
	}
	for _, b := range searchdBackends[name] {
		if !pointsAt[b] {
			k.addf(name, "no SEARCHD_* address points at service %q", b)
		}
	}

	_, listen, err := net.SplitHostPort(env["SEARCHD_ADDR"])
	if err != nil {
		k.addf(name, "SEARCHD_ADDR=%q is not host:port", env["SEARCHD_ADDR"])
	}
	if want := searchdHostPorts[name]; want != "" &&
		!slices.ContainsFunc(s.Ports, func(p types.ServicePortConfig) bool {
			return p.Published == want && strconv.Itoa(int(p.Target)) == listen
		}) {
		k.addf(name, "ports: want %s:%s (host port %s to SEARCHD_ADDR's port), got %v", want, listen, want, s.Ports)
	}
	if s.HealthCheck != nil {
		if hp := healthPort(s.HealthCheck.Test); hp != listen {
			k.addf(name, "healthcheck calls port %q, searchd listens on %q", hp, listen)
		}
	}
	if data := env["SEARCHD_DATA"]; data != "" &&
		!slices.ContainsFunc(s.Volumes, func(m types.ServiceVolumeConfig) bool {
			return namedVolume(m) && path.Clean(m.Target) == path.Clean(data)
		}) {
		k.addf(name, "SEARCHD_DATA=%s is not on a named volume", data)
	}
	if s.Build != nil {
		k.checkSearchdDockerfile(name, dockerfilePath(s.Build))
	}
}

var hostPort = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*:[0-9]+$`)

// serviceAddr extracts host and port from a URL or host:port value; ok is
// false for values that are not addresses of another host (":8080", paths,
// words).
func serviceAddr(v string) (host, port string, ok bool) {
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil || u.Hostname() == "" {
			return "", "", false
		}
		port = u.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443", "redis": "6379"}[u.Scheme]
		}
		return u.Hostname(), port, true
	}
	if hostPort.MatchString(v) {
		host, port, _ := strings.Cut(v, ":")
		return host, port, true
	}
	return "", "", false
}

var localURL = regexp.MustCompile(`https?://(?:localhost|127\.0\.0\.1):([0-9]+)/`)

// healthPort is the port of the first local URL in a healthcheck command.
func healthPort(test []string) string {
	if m := localURL.FindStringSubmatch(strings.Join(test, " ")); m != nil {
		return m[1]
	}
	return ""
}

// checkSearchdDockerfile: the image runs as a numeric non-root user, says
// which port it serves and checks its liveness.
func (k *checker) checkSearchdDockerfile(name, file string) {
	src, ok := k.read(file)
	if !ok {
		return // reported by checkService
	}
	final := finalStage(src)
	user, ok := lastArgs(final, "USER")
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); !ok || err != nil || n == 0 {
		k.addf(name, "%s: the final stage must set USER to a numeric non-root uid, has %q", file, user)
	}
	if !anyArgs(final, "EXPOSE", func(a string) bool { return slices.Contains(strings.Fields(a), "8080") }) {
		k.addf(name, "%s: the final stage does not EXPOSE 8080", file)
	}
	if !anyArgs(final, "HEALTHCHECK", func(a string) bool { return strings.Contains(a, "/healthz") }) {
		k.addf(name, "%s: the final stage has no HEALTHCHECK on /healthz", file)
	}
	if env, _ := lastArgs(final, "ENV"); !anyArgs(final, "ENV", func(a string) bool { return slices.Contains(strings.Fields(a), "SEARCHD_ENV=production") }) {
		k.addf(name, "%s: the final stage must set ENV SEARCHD_ENV=production (last ENV: %q)", file, env)
	}
	if !anyArgs(dockerStages(src)[0], "RUN", func(a string) bool {
		return strings.Contains(a, "CGO_ENABLED=0") && strings.Contains(a, "go build") && strings.Contains(a, "./searchd")
	}) {
		k.addf(name, "%s: the first stage must build ./searchd with CGO_ENABLED=0", file)
	}
}

var pomVersion = regexp.MustCompile(`<opensearch.version>([^<]+)</opensearch.version>`)

// checkEngineImages: Elasticsearch 7.17 and the OpenSearch version CI
// tests, each with analysis-nori, clustered as single nodes.
func (k *checker) checkEngineImages() {
	osVersion := ""
	if pom, ok := k.read(pomPath); ok {
		if m := pomVersion.FindStringSubmatch(pom); m != nil {
			osVersion = m[1]
		}
	}
	if osVersion == "" {
		k.addf(pomPath, "no <opensearch.version>")
	}
	engines := []struct{ service, from, plugin, heap string }{
		{"elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:7.17.", "elasticsearch-plugin install", "ES_JAVA_OPTS"},
		{"opensearch", "opensearchproject/opensearch:" + osVersion, "opensearch-plugin install", "OPENSEARCH_JAVA_OPTS"},
	}
	for _, e := range engines {
		s, ok := k.p.Services[e.service]
		if !ok {
			continue
		}
		env := envOf(s)
		if env["discovery.type"] != "single-node" {
			k.addf(e.service, "discovery.type must be single-node")
		}
		if !strings.Contains(env[e.heap], "-Xmx") {
			k.addf(e.service, "%s must set the heap (-Xmx)", e.heap)
		}
		if s.Build == nil {
			k.addf(e.service, "must be built from a Dockerfile that installs analysis-nori")
			continue
		}
		file := dockerfilePath(s.Build)
		src, ok := k.read(file)
		if !ok {
			continue // reported by checkService
		}
		stage := finalStage(src)
		from, _ := lastArgs(stage, "FROM")
		if !strings.HasPrefix(from, e.from) || (e.service == "opensearch" && from != e.from) {
			k.addf(e.service, "%s: FROM %q, want %s…", file, from, e.from)
		}
		if !anyArgs(stage, "RUN", func(a string) bool {
			return strings.Contains(a, e.plugin) && strings.Contains(a, "--batch") && strings.Contains(a, "analysis-nori")
		}) {
			k.addf(e.service, "%s: does not run %s --batch analysis-nori", file, e.plugin)
		}
	}
	if s, ok := k.p.Services["elasticsearch"]; ok && envOf(s)["xpack.security.enabled"] != "false" {
		k.addf("elasticsearch", "xpack.security.enabled must be false (searchd speaks plain HTTP)")
	}
	if s, ok := k.p.Services["opensearch"]; ok && s.Build != nil {
		src, _ := k.read(dockerfilePath(s.Build))
		for _, v := range []string{"DISABLE_SECURITY_PLUGIN=true", "DISABLE_INSTALL_DEMO_CONFIG=true"} {
			key, val, _ := strings.Cut(v, "=")
			inImage := anyArgs(finalStage(src), "ENV", func(a string) bool { return slices.Contains(strings.Fields(a), v) })
			if !inImage && envOf(s)[key] != val {
				k.addf("opensearch", "%s must be set (Dockerfile ENV or environment)", v)
			}
		}
	}
}

// ---- tests -------------------------------------------------------------

// overlay is the repository with some files replaced (or, when nil,
// removed).
type overlay struct {
	base  fs.FS
	files map[string]*string
}

func (o overlay) Open(name string) (fs.File, error) {
	if content, ok := o.files[name]; ok {
		if content == nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return fstest.MapFS{name: {Data: []byte(*content)}}.Open(name)
	}
	return o.base.Open(name)
}

func mustLoad(tb testing.TB, fsys fs.FS) *types.Project {
	tb.Helper()
	p, err := loadProject(fsys, tokenEnv)
	if err != nil {
		tb.Fatalf("%s: %v", composePath, err)
	}
	return p
}

func ptr(s string) *string { return &s }

// TestComposeFile checks the real files, including the wiring against the
// real searchd/config.go.
func TestComposeFile(t *testing.T) {
	fsys := os.DirFS(repoRoot)
	for _, p := range validate(mustLoad(t, fsys), fsys) {
		t.Error(p)
	}
}

// TestComposeNeedsTokens: the file cannot even be loaded (so `docker
// compose up` refuses) until the operator exports both tokens, and it
// names what to set.
func TestComposeNeedsTokens(t *testing.T) {
	fsys := os.DirFS(repoRoot)
	for missing := range tokenEnv {
		env := maps.Clone(tokenEnv)
		delete(env, missing)
		_, err := loadProject(fsys, env)
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("without %s: err = %v, want one naming it", missing, err)
		}
	}
}

// stubConfig stands in for searchd/config.go in the mutation tests, so that
// they do not depend on the flags other work is adding: it reads every
// variable the compose file uses.
const stubConfig = `package main

func flags(e env) {
	e.str("SEARCHD_ENGINE", "embedded")
	e.str("SEARCHD_ES_URL", "")
	e.str("SEARCHD_REDIS_ADDR", "")
	e.str("SEARCHD_ADDR", ":8080")
	e.str("SEARCHD_DATA", "./data")
	e.boolean("SEARCHD_DEMO", true)
	e.str("SEARCHD_ENV", "development")
	e.str("SEARCHD_ADMIN_TOKEN", "")
	e.str("SEARCHD_WRITE_TOKEN", "")
	e.str("SEARCHD_LOG_FORMAT", "json")
}
`

// edit changes one service of a loaded project.
func edit(name string, f func(s *types.ServiceConfig)) func(*types.Project) {
	return func(p *types.Project) {
		s := p.Services[name]
		f(&s)
		p.Services[name] = s
	}
}

func setEnv(s *types.ServiceConfig, k, v string) {
	s.Environment = maps.Clone(s.Environment)
	s.Environment[k] = &v
}

func delEnv(s *types.ServiceConfig, k string) {
	s.Environment = maps.Clone(s.Environment)
	delete(s.Environment, k)
}

// TestValidateCatches breaks one thing at a time — in the loaded project,
// in the compose file's text (then the loader must refuse it), or in a file
// on disk — and expects the problem to be reported.
func TestValidateCatches(t *testing.T) {
	base := overlay{base: os.DirFS(repoRoot), files: map[string]*string{configPath: ptr(stubConfig)}}
	if probs := validate(mustLoad(t, base), base); len(probs) > 0 {
		t.Fatalf("the unbroken files (with a stub config.go) must pass, got %v", probs)
	}
	read := func(name string) string {
		b, err := fs.ReadFile(base, name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	replaceIn := func(name, old, new string) map[string]*string {
		src := read(name)
		if !strings.Contains(src, old) {
			t.Fatalf("%s does not contain %q", name, old)
		}
		return map[string]*string{name: ptr(strings.Replace(src, old, new, 1))}
	}
	cases := []struct {
		name   string
		mutate func(p *types.Project)
		files  map[string]*string
		want   string // a substring of the expected problem or load error
	}{
		// What the specification's loader refuses.
		{name: "depends_on unknown service", files: replaceIn(composePath, "      redis:\n        condition: service_healthy", "      kibana:\n        condition: service_healthy"), want: "kibana"},
		{name: "undeclared named volume", files: replaceIn(composePath, "  redis-data:\n", ""), want: "redis-data"},
		{name: "bad healthcheck form", files: replaceIn(composePath, `test: ["CMD", "redis-cli", "ping"]`, `test: {cmd: ping}`), want: "healthcheck"},
		{name: "unknown service key", files: replaceIn(composePath, "  redis:\n    <<: *redis\n", "  redis:\n    <<: *redis\n    restrat: always\n"), want: "restrat"},
		// Ours.
		{name: "searchd service missing", mutate: func(p *types.Project) { delete(p.Services, "searchd") }, want: "searchd: service missing"},
		{name: "redis service missing", mutate: func(p *types.Project) { delete(p.Services, "redis") }, want: "no service \"redis\""},
		{name: "opensearch service missing", mutate: func(p *types.Project) { delete(p.Services, "opensearch") }, want: "opensearch: service missing"},
		{name: "no image and no build", mutate: edit("redis", func(s *types.ServiceConfig) { s.Image = "" }), want: "neither image nor build"},
		{name: "redis 6", mutate: edit("redis", func(s *types.ServiceConfig) { s.Image = "redis:6-alpine" }), want: "want redis:7"},
		{name: "build context missing", mutate: edit("elasticsearch", func(s *types.ServiceConfig) { s.Build = &types.BuildConfig{Context: "deploy/es"} }), want: "not a directory"},
		{name: "Dockerfile missing", files: map[string]*string{"deploy/opensearch/Dockerfile": nil}, want: "deploy/opensearch/Dockerfile does not exist"},
		{name: "no healthcheck", mutate: edit("redis", func(s *types.ServiceConfig) { s.HealthCheck = nil }), want: "redis: no healthcheck"},
		{name: "healthcheck disabled", mutate: edit("elasticsearch", func(s *types.ServiceConfig) { s.HealthCheck = &types.HealthCheckConfig{Test: []string{"NONE"}} }), want: "healthcheck disabled"},
		{name: "no restart policy", mutate: edit("searchd", func(s *types.ServiceConfig) { s.Restart = "" }), want: "searchd: no restart policy"},
		{name: "depends_on without healthy", files: replaceIn(composePath, "      elasticsearch:\n        condition: service_healthy", "      elasticsearch:\n        condition: service_started"), want: "depends_on \"elasticsearch\" needs condition: service_healthy"},
		{name: "depends_on missing", mutate: edit("searchd-opensearch", func(s *types.ServiceConfig) {
			s.DependsOn = maps.Clone(s.DependsOn)
			delete(s.DependsOn, "opensearch")
		}), want: "depends_on \"opensearch\" needs condition"},
		{name: "default service depends on profile service", mutate: edit("searchd", func(s *types.ServiceConfig) {
			s.DependsOn = maps.Clone(s.DependsOn)
			s.DependsOn["opensearch"] = types.ServiceDependency{Condition: types.ServiceConditionHealthy}
		}), want: "only starts with profiles"},
		{name: "opensearch without profile", mutate: edit("opensearch", func(s *types.ServiceConfig) { s.Profiles = nil }), want: "must be only in profile"},
		{name: "searchd-opensearch in another profile", mutate: edit("searchd-opensearch", func(s *types.ServiceConfig) { s.Profiles = []string{"os"} }), want: "must be only in profile"},
		{name: "elasticsearch in a profile", mutate: edit("elasticsearch", func(s *types.ServiceConfig) { s.Profiles = []string{osProfile} }), want: "must start without a profile"},
		{name: "unknown SEARCHD variable", mutate: edit("searchd", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_ES_URLS", "http://elasticsearch:9200") }), want: "SEARCHD_ES_URLS is not a flag default"},
		{name: "config.go lost a flag", files: replaceIn(configPath, `"SEARCHD_REDIS_ADDR"`, `"SEARCHD_REDIS"`), want: "SEARCHD_REDIS_ADDR is not a flag default"},
		{name: "config.go names it in help text only", files: replaceIn(configPath, `e.str("SEARCHD_ES_URL", "")`, `println("url (SEARCHD_ES_URL)")`), want: "SEARCHD_ES_URL is not a flag default"},
		{name: "config.go unreadable", files: map[string]*string{configPath: nil}, want: "cannot read"},
		{name: "required variable missing", mutate: edit("searchd", func(s *types.ServiceConfig) { delEnv(s, "SEARCHD_REDIS_ADDR") }), want: "SEARCHD_REDIS_ADDR is not set"},
		{name: "embedded engine", mutate: edit("searchd", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_ENGINE", "embedded") }), want: "want elastic"},
		{name: "development mode", mutate: edit("searchd-opensearch", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_ENV", "development") }), want: "SEARCHD_ENV=production"},
		{name: "admin token written in the file", files: replaceIn(composePath, "${SEARCHD_ADMIN_TOKEN:?export SEARCHD_ADMIN_TOKEN, e.g. $(openssl rand -hex 32); see deploy/README.md}", "hard-coded-admin-token-0123"), want: "SEARCHD_ADMIN_TOKEN is not taken from the environment"},
		{name: "write token missing", mutate: edit("searchd", func(s *types.ServiceConfig) { delEnv(s, "SEARCHD_WRITE_TOKEN") }), want: "SEARCHD_WRITE_TOKEN is not taken from the environment"},
		{name: "URL names no service", mutate: edit("searchd", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_ES_URL", "http://es:9200") }), want: "no service \"es\""},
		{name: "URL with wrong port", mutate: edit("searchd", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_ES_URL", "http://elasticsearch:9300") }), want: "does not expose port 9300"},
		{name: "URL without port", mutate: edit("searchd", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_ES_URL", "http://elasticsearch") }), want: "does not expose port 80"},
		{name: "host:port with wrong port", mutate: edit("searchd", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_REDIS_ADDR", "redis:6380") }), want: "does not expose port 6380"},
		{name: "searchd-opensearch wired to elasticsearch", mutate: edit("searchd-opensearch", func(s *types.ServiceConfig) {
			setEnv(s, "SEARCHD_ES_URL", "http://elasticsearch:9200")
			s.DependsOn = maps.Clone(s.DependsOn)
			s.DependsOn["elasticsearch"] = types.ServiceDependency{Condition: types.ServiceConditionHealthy}
		}), want: "no SEARCHD_* address points at service \"opensearch\""},
		{name: "backend stopped exposing", mutate: edit("redis", func(s *types.ServiceConfig) { s.Expose = nil }), want: "service \"redis\" does not expose port 6379"},
		{name: "SEARCHD_ADDR not host:port", mutate: edit("searchd", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_ADDR", "8080") }), want: "is not host:port"},
		{name: "listen port differs from published", mutate: edit("searchd", func(s *types.ServiceConfig) { setEnv(s, "SEARCHD_ADDR", ":9090") }), want: "ports: want 8080:9090"},
		{name: "searchd not published", mutate: edit("searchd", func(s *types.ServiceConfig) { s.Ports = nil }), want: "ports: want 8080:8080"},
		{name: "healthcheck on another port", mutate: edit("searchd", func(s *types.ServiceConfig) {
			s.HealthCheck = &types.HealthCheckConfig{Test: []string{"CMD", "curl", "-f", "http://localhost:9999/readyz"}}
		}), want: "healthcheck calls port \"9999\""},
		{name: "data not on a volume", mutate: edit("searchd", func(s *types.ServiceConfig) { s.Volumes = nil }), want: "SEARCHD_DATA=/data is not on a named volume"},
		{name: "unused named volume", mutate: func(p *types.Project) { p.Volumes["spare"] = types.VolumeConfig{Name: "spare"} }, want: "\"spare\" is declared but no service mounts it"},
		{name: "elasticsearch multi-node", mutate: edit("elasticsearch", func(s *types.ServiceConfig) { delEnv(s, "discovery.type") }), want: "single-node"},
		{name: "elasticsearch security on", mutate: edit("elasticsearch", func(s *types.ServiceConfig) { setEnv(s, "xpack.security.enabled", "true") }), want: "xpack.security.enabled"},
		{name: "elasticsearch heap unset", mutate: edit("elasticsearch", func(s *types.ServiceConfig) { delEnv(s, "ES_JAVA_OPTS") }), want: "ES_JAVA_OPTS must set the heap"},
		{name: "elasticsearch from an image", mutate: edit("elasticsearch", func(s *types.ServiceConfig) { s.Build, s.Image = nil, "elasticsearch:7.17.29" }), want: "must be built from a Dockerfile"},
		{name: "ES Dockerfile without nori", files: replaceIn("deploy/elasticsearch/Dockerfile", "analysis-nori", "analysis-icu"), want: "does not run elasticsearch-plugin install --batch analysis-nori"},
		{name: "ES 8", files: replaceIn("deploy/elasticsearch/Dockerfile", ":7.17.", ":8.17."), want: "want docker.elastic.co/elasticsearch/elasticsearch:7.17."},
		{name: "OpenSearch version differs from CI", files: replaceIn("deploy/opensearch/Dockerfile", "opensearch:2.", "opensearch:2.1"), want: "want opensearchproject/opensearch:"},
		{name: "CI moved to another OpenSearch", files: replaceIn(pomPath, "<opensearch.version>2.", "<opensearch.version>9."), want: "want opensearchproject/opensearch:9."},
		{name: "OS Dockerfile without nori", files: replaceIn("deploy/opensearch/Dockerfile", "analysis-nori", "analysis-kuromoji"), want: "does not run opensearch-plugin install"},
		{name: "OpenSearch security on", files: replaceIn("deploy/opensearch/Dockerfile", "DISABLE_SECURITY_PLUGIN=true", "DISABLE_SECURITY_PLUGIN=false"), want: "DISABLE_SECURITY_PLUGIN=true must be set"},
		{name: "searchd runs as root", files: replaceIn("Dockerfile", "USER 10001:10001", "USER root"), want: "numeric non-root uid"},
		{name: "searchd without USER", files: replaceIn("Dockerfile", "USER 10001:10001\n", ""), want: "numeric non-root uid"},
		{name: "searchd image in development mode", files: replaceIn("Dockerfile", "SEARCHD_ENV=production", "SEARCHD_ENV=development"), want: "ENV SEARCHD_ENV=production"},
		{name: "searchd without EXPOSE", files: replaceIn("Dockerfile", "EXPOSE 8080", "EXPOSE 9090"), want: "does not EXPOSE 8080"},
		{name: "searchd HEALTHCHECK elsewhere", files: replaceIn("Dockerfile", "/healthz", "/"), want: "no HEALTHCHECK on /healthz"},
		{name: "searchd built with cgo", files: replaceIn("Dockerfile", "CGO_ENABLED=0", "CGO_ENABLED=1"), want: "CGO_ENABLED=0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]*string{configPath: ptr(stubConfig)}
			for k, v := range tc.files {
				files[k] = v
			}
			fsys := overlay{base: base.base, files: files}
			p, err := loadProject(fsys, tokenEnv)
			var probs []problem
			if err != nil {
				probs = []problem{{composePath, err.Error()}}
			} else {
				if tc.mutate != nil {
					tc.mutate(p)
				}
				probs = validate(p, fsys)
			}
			for _, pr := range probs {
				if strings.Contains(pr.String(), tc.want) {
					return
				}
			}
			t.Errorf("want a problem containing %q, got %v", tc.want, probs)
		})
	}
}

func TestServiceAddr(t *testing.T) {
	tests := []struct {
		in         string
		host, port string
		ok         bool
	}{
		{"http://elasticsearch:9200", "elasticsearch", "9200", true},
		{"https://opensearch", "opensearch", "443", true},
		{"redis:6379", "redis", "6379", true},
		{"redis://redis-opensearch:6380/0", "redis-opensearch", "6380", true},
		{":8080", "", "", false},
		{"/data", "", "", false},
		{"json", "", "", false},
		{"${SEARCHD_ADMIN_TOKEN:?set it}", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			host, port, ok := serviceAddr(tt.in)
			if host != tt.host || port != tt.port || ok != tt.ok {
				t.Errorf("serviceAddr(%q) = %q, %q, %v; want %q, %q, %v", tt.in, host, port, ok, tt.host, tt.port, tt.ok)
			}
		})
	}
}
