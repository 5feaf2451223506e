package deploy_test

import (
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
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"
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
)

// ---- the compose model -------------------------------------------------

// composeFile is the part of the Compose specification the checks read.
// Fields with several spellings in the specification (short and long
// syntax) are normalized by their types' UnmarshalYAML.
type composeFile struct {
	Services map[string]*service `yaml:"services"`
	Volumes  map[string]any      `yaml:"volumes"`
}

type service struct {
	Image       string       `yaml:"image"`
	Build       *build       `yaml:"build"`
	Environment envMap       `yaml:"environment"`
	Ports       []port       `yaml:"ports"`
	Expose      []string     `yaml:"expose"`
	DependsOn   dependsOn    `yaml:"depends_on"`
	Healthcheck *healthcheck `yaml:"healthcheck"`
	Profiles    []string     `yaml:"profiles"`
	Volumes     []mount      `yaml:"volumes"`
	Restart     string       `yaml:"restart"`
}

type build struct {
	Context    string `yaml:"context"`
	Dockerfile string `yaml:"dockerfile"`
}

func (b *build) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		b.Context = n.Value
		return nil
	}
	type plain build
	return n.Decode((*plain)(b))
}

// dockerfilePath is the build's Dockerfile relative to the repository root.
func (b *build) dockerfilePath() string {
	name := b.Dockerfile
	if name == "" {
		name = "Dockerfile"
	}
	return path.Clean(path.Join(b.Context, name))
}

// envMap is `environment:` in either the mapping or the KEY=VALUE list form.
type envMap map[string]string

func (e *envMap) UnmarshalYAML(n *yaml.Node) error {
	var raw any
	if err := n.Decode(&raw); err != nil {
		return err
	}
	m := envMap{}
	switch v := raw.(type) {
	case map[string]any:
		for k, val := range v {
			if val == nil {
				m[k] = ""
			} else {
				m[k] = fmt.Sprint(val)
			}
		}
	case []any:
		for _, item := range v {
			k, val, _ := strings.Cut(fmt.Sprint(item), "=")
			m[k] = val
		}
	default:
		return fmt.Errorf("environment: want a mapping or a list, got %T", raw)
	}
	*e = m
	return nil
}

// port is one `ports:` entry; Host is empty when none is published.
type port struct{ Host, Container string }

func (p *port) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		var long struct {
			Target    string `yaml:"target"`
			Published string `yaml:"published"`
		}
		if err := n.Decode(&long); err != nil {
			return err
		}
		*p = port{Host: long.Published, Container: long.Target}
		return nil
	}
	spec, _, _ := strings.Cut(n.Value, "/") // drop /tcp, /udp
	parts := strings.Split(spec, ":")
	p.Container = parts[len(parts)-1]
	if len(parts) > 1 {
		p.Host = parts[len(parts)-2]
	}
	return nil
}

// dependsOn maps a dependency to its condition ("" in the list form).
type dependsOn map[string]string

func (d *dependsOn) UnmarshalYAML(n *yaml.Node) error {
	m := dependsOn{}
	if n.Kind == yaml.SequenceNode {
		var names []string
		if err := n.Decode(&names); err != nil {
			return err
		}
		for _, name := range names {
			m[name] = ""
		}
	} else {
		var long map[string]struct {
			Condition string `yaml:"condition"`
		}
		if err := n.Decode(&long); err != nil {
			return err
		}
		for name, dep := range long {
			m[name] = dep.Condition
		}
	}
	*d = m
	return nil
}

// healthcheck.Test is the command, in list form (["CMD-SHELL", cmd] for the
// string form).
type healthcheck struct {
	Test    []string `yaml:"-"`
	Disable bool     `yaml:"disable"`
}

func (h *healthcheck) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Test    yaml.Node `yaml:"test"`
		Disable bool      `yaml:"disable"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	h.Disable = raw.Disable
	switch raw.Test.Kind {
	case 0:
	case yaml.ScalarNode:
		h.Test = []string{"CMD-SHELL", raw.Test.Value}
	default:
		if err := raw.Test.Decode(&h.Test); err != nil {
			return err
		}
	}
	return nil
}

// mount is one service `volumes:` entry.
type mount struct{ Source, Target string }

func (m *mount) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		var long struct {
			Source string `yaml:"source"`
			Target string `yaml:"target"`
		}
		if err := n.Decode(&long); err != nil {
			return err
		}
		*m = mount{Source: long.Source, Target: long.Target}
		return nil
	}
	parts := strings.Split(n.Value, ":")
	if len(parts) == 1 {
		*m = mount{Target: parts[0]} // anonymous volume
		return nil
	}
	*m = mount{Source: parts[0], Target: parts[1]}
	return nil
}

// named reports whether the mount uses a named volume (not a bind mount).
func (m mount) named() bool {
	return m.Source != "" && !strings.ContainsAny(m.Source[:1], "./~$")
}

func parseCompose(b []byte) (*composeFile, error) {
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
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

// ---- the validator -----------------------------------------------------

type problem struct{ Where, What string }

func (p problem) String() string { return p.Where + ": " + p.What }

type checker struct {
	c     *composeFile
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

// validate checks a parsed compose file against the repository in fsys
// (rooted at the repository root) and returns what is wrong with it.
func validate(c *composeFile, fsys fs.FS) []problem {
	k := &checker{c: c, fsys: fsys}
	for _, name := range slices.Concat(defaultServices, profileServices) {
		if c.Services[name] == nil {
			k.addf(name, "service missing")
		}
	}
	for _, name := range defaultServices {
		if s := c.Services[name]; s != nil && len(s.Profiles) > 0 {
			k.addf(name, "must start without a profile, has profiles %v", s.Profiles)
		}
	}
	for _, name := range profileServices {
		if s := c.Services[name]; s != nil && !slices.Equal(s.Profiles, []string{osProfile}) {
			k.addf(name, "must be only in profile %q, has profiles %v", osProfile, s.Profiles)
		}
	}
	flagEnv := k.flagEnv()
	hostPorts := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(c.Services)) {
		s := c.Services[name]
		if s == nil {
			k.addf(name, "empty service")
			continue
		}
		k.checkService(name, s)
		for _, p := range s.Ports {
			if p.Host == "" {
				continue
			}
			if other, dup := hostPorts[p.Host]; dup {
				k.addf(name, "host port %s is also published by %s", p.Host, other)
			}
			hostPorts[p.Host] = name
		}
		if isSearchd(s) {
			k.checkSearchd(name, s, flagEnv)
		}
	}
	if s := c.Services["redis"]; s != nil && !strings.HasPrefix(s.Image, "redis:7") {
		k.addf("redis", "image %q: want redis:7", s.Image)
	}
	k.checkEngineImages()
	for _, name := range slices.Sorted(maps.Keys(c.Volumes)) {
		used := false
		for _, s := range c.Services {
			used = used || (s != nil && slices.ContainsFunc(s.Volumes, func(m mount) bool { return m.Source == name }))
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
func isSearchd(s *service) bool {
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

// checkService: what every service needs.
func (k *checker) checkService(name string, s *service) {
	switch {
	case s.Build != nil:
		if fi, err := fs.Stat(k.fsys, path.Clean(s.Build.Context)); err != nil || !fi.IsDir() {
			k.addf(name, "build context %q is not a directory", s.Build.Context)
		} else if _, ok := k.read(s.Build.dockerfilePath()); !ok {
			k.addf(name, "build: %s does not exist", s.Build.dockerfilePath())
		}
	case s.Image == "":
		k.addf(name, "has neither image nor build")
	}
	h := s.Healthcheck
	switch {
	case h == nil:
		k.addf(name, "no healthcheck")
	case h.Disable || len(h.Test) < 2 || h.Test[0] == "NONE":
		k.addf(name, "healthcheck disabled or without a command: %q", h.Test)
	case h.Test[0] != "CMD" && h.Test[0] != "CMD-SHELL":
		k.addf(name, "healthcheck test must start with CMD or CMD-SHELL, got %q", h.Test[0])
	}
	if s.Restart == "" || s.Restart == "no" {
		k.addf(name, "no restart policy")
	}
	for _, dep := range slices.Sorted(maps.Keys(s.DependsOn)) {
		d := k.c.Services[dep]
		switch {
		case d == nil:
			k.addf(name, "depends_on %q: no such service", dep)
		case len(s.Profiles) == 0 && len(d.Profiles) > 0:
			k.addf(name, "depends_on %q, which only starts with profiles %v", dep, d.Profiles)
		}
	}
	for _, m := range s.Volumes {
		if m.named() {
			if _, ok := k.c.Volumes[m.Source]; !ok {
				k.addf(name, "volume %q is not declared under top-level volumes", m.Source)
			}
		}
	}
}

// containerPorts: the ports a service offers to the others.
func containerPorts(s *service) []string {
	out := slices.Clone(s.Expose)
	for _, p := range s.Ports {
		out = append(out, p.Container)
	}
	return out
}

// checkSearchd: a searchd instance's wiring.
func (k *checker) checkSearchd(name string, s *service, flagEnv map[string]bool) {
	env := s.Environment
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
	pointsAt := map[string]bool{}
	for _, v := range slices.Sorted(maps.Keys(env)) {
		for _, addr := range strings.Split(env[v], ",") {
			host, port, ok := serviceAddr(strings.TrimSpace(addr))
			if !ok {
				continue
			}
			pointsAt[host] = true
			target := k.c.Services[host]
			switch {
			case target == nil:
				k.addf(name, "%s=%s: no service %q", v, env[v], host)
				continue
			case !slices.Contains(containerPorts(target), port):
				k.addf(name, "%s=%s: service %q does not expose port %s (expose: %v)", v, env[v], host, port, containerPorts(target))
			}
			if cond, ok := s.DependsOn[host]; !ok || cond != "service_healthy" {
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
		!slices.Contains(s.Ports, port{Host: want, Container: listen}) {
		k.addf(name, "ports: want %s:%s (host port %s to SEARCHD_ADDR's port), got %v", want, listen, want, s.Ports)
	}
	if s.Healthcheck != nil {
		if hp := healthPort(s.Healthcheck.Test); hp != listen {
			k.addf(name, "healthcheck calls port %q, searchd listens on %q", hp, listen)
		}
	}
	if data := env["SEARCHD_DATA"]; data != "" &&
		!slices.ContainsFunc(s.Volumes, func(m mount) bool { return m.named() && path.Clean(m.Target) == path.Clean(data) }) {
		k.addf(name, "SEARCHD_DATA=%s is not on a named volume", data)
	}
	if s.Build != nil {
		k.checkSearchdDockerfile(name, s.Build.dockerfilePath())
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
		s := k.c.Services[e.service]
		if s == nil {
			continue
		}
		if s.Environment["discovery.type"] != "single-node" {
			k.addf(e.service, "discovery.type must be single-node")
		}
		if !strings.Contains(s.Environment[e.heap], "-Xmx") {
			k.addf(e.service, "%s must set the heap (-Xmx)", e.heap)
		}
		if s.Build == nil {
			k.addf(e.service, "must be built from a Dockerfile that installs analysis-nori")
			continue
		}
		file := s.Build.dockerfilePath()
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
	if s := k.c.Services["elasticsearch"]; s != nil && s.Environment["xpack.security.enabled"] != "false" {
		k.addf("elasticsearch", "xpack.security.enabled must be false (searchd speaks plain HTTP)")
	}
	if s := k.c.Services["opensearch"]; s != nil && s.Build != nil {
		src, _ := k.read(s.Build.dockerfilePath())
		for _, v := range []string{"DISABLE_SECURITY_PLUGIN=true", "DISABLE_INSTALL_DEMO_CONFIG=true"} {
			key, val, _ := strings.Cut(v, "=")
			inImage := anyArgs(finalStage(src), "ENV", func(a string) bool { return slices.Contains(strings.Fields(a), v) })
			if !inImage && s.Environment[key] != val {
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

func loadCompose(tb testing.TB, fsys fs.FS) *composeFile {
	tb.Helper()
	b, err := fs.ReadFile(fsys, composePath)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := parseCompose(b)
	if err != nil {
		tb.Fatalf("%s: %v", composePath, err)
	}
	return c
}

func ptr(s string) *string { return &s }

// TestComposeFile checks the real files, including the wiring against the
// real searchd/config.go.
func TestComposeFile(t *testing.T) {
	fsys := os.DirFS(repoRoot)
	for _, p := range validate(loadCompose(t, fsys), fsys) {
		t.Error(p)
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
	e.str("SEARCHD_ADMIN_TOKEN", "")
	e.str("SEARCHD_LOG_FORMAT", "json")
}
`

// TestValidateCatches breaks one thing at a time, in the parsed compose
// file or in a file on disk, and expects validate to say so.
func TestValidateCatches(t *testing.T) {
	base := overlay{base: os.DirFS(repoRoot), files: map[string]*string{configPath: ptr(stubConfig)}}
	if probs := validate(loadCompose(t, base), base); len(probs) > 0 {
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
		mutate func(c *composeFile)
		files  map[string]*string
		want   string // a substring of the expected problem
	}{
		{name: "searchd service missing", mutate: func(c *composeFile) { delete(c.Services, "searchd") }, want: "searchd: service missing"},
		{name: "redis service missing", mutate: func(c *composeFile) { delete(c.Services, "redis") }, want: "no service \"redis\""},
		{name: "opensearch service missing", mutate: func(c *composeFile) { delete(c.Services, "opensearch") }, want: "opensearch: service missing"},
		{name: "no image and no build", mutate: func(c *composeFile) { c.Services["redis"].Image = "" }, want: "neither image nor build"},
		{name: "redis 6", mutate: func(c *composeFile) { c.Services["redis"].Image = "redis:6-alpine" }, want: "want redis:7"},
		{name: "build context missing", mutate: func(c *composeFile) { c.Services["elasticsearch"].Build.Context = "deploy/es" }, want: "not a directory"},
		{name: "Dockerfile missing", files: map[string]*string{"deploy/opensearch/Dockerfile": nil}, want: "deploy/opensearch/Dockerfile does not exist"},
		{name: "other Dockerfile name", mutate: func(c *composeFile) { c.Services["searchd"].Build.Dockerfile = "searchd.Dockerfile" }, want: "searchd.Dockerfile does not exist"},
		{name: "no healthcheck", mutate: func(c *composeFile) { c.Services["redis"].Healthcheck = nil }, want: "redis: no healthcheck"},
		{name: "healthcheck disabled", mutate: func(c *composeFile) { c.Services["elasticsearch"].Healthcheck.Test = []string{"NONE"} }, want: "healthcheck disabled"},
		{name: "healthcheck bad form", mutate: func(c *composeFile) { c.Services["redis"].Healthcheck.Test = []string{"redis-cli", "ping"} }, want: "CMD or CMD-SHELL"},
		{name: "no restart policy", mutate: func(c *composeFile) { c.Services["searchd"].Restart = "" }, want: "searchd: no restart policy"},
		{name: "depends_on without condition", mutate: func(c *composeFile) { c.Services["searchd"].DependsOn["elasticsearch"] = "" }, want: "depends_on \"elasticsearch\" needs condition: service_healthy"},
		{name: "depends_on service_started", mutate: func(c *composeFile) { c.Services["searchd"].DependsOn["redis"] = "service_started" }, want: "depends_on \"redis\" needs condition"},
		{name: "depends_on missing", mutate: func(c *composeFile) { delete(c.Services["searchd-opensearch"].DependsOn, "opensearch") }, want: "depends_on \"opensearch\" needs condition"},
		{name: "depends_on unknown service", mutate: func(c *composeFile) { c.Services["searchd"].DependsOn["kibana"] = "service_healthy" }, want: "no such service"},
		{name: "default service depends on profile service", mutate: func(c *composeFile) { c.Services["searchd"].DependsOn["opensearch"] = "service_healthy" }, want: "only starts with profiles"},
		{name: "opensearch without profile", mutate: func(c *composeFile) { c.Services["opensearch"].Profiles = nil }, want: "must be only in profile"},
		{name: "searchd-opensearch in another profile", mutate: func(c *composeFile) { c.Services["searchd-opensearch"].Profiles = []string{"os"} }, want: "must be only in profile"},
		{name: "elasticsearch in a profile", mutate: func(c *composeFile) { c.Services["elasticsearch"].Profiles = []string{osProfile} }, want: "must start without a profile"},
		{name: "unknown SEARCHD variable", mutate: func(c *composeFile) {
			c.Services["searchd"].Environment["SEARCHD_ES_URLS"] = "http://elasticsearch:9200"
		}, want: "SEARCHD_ES_URLS is not a flag default"},
		{name: "config.go lost a flag", files: replaceIn(configPath, `"SEARCHD_REDIS_ADDR"`, `"SEARCHD_REDIS"`), want: "SEARCHD_REDIS_ADDR is not a flag default"},
		{name: "config.go names it in help text only", files: replaceIn(configPath, `e.str("SEARCHD_ES_URL", "")`, `println("url (SEARCHD_ES_URL)")`), want: "SEARCHD_ES_URL is not a flag default"},
		{name: "config.go unreadable", files: map[string]*string{configPath: nil}, want: "cannot read"},
		{name: "required variable missing", mutate: func(c *composeFile) { delete(c.Services["searchd"].Environment, "SEARCHD_REDIS_ADDR") }, want: "SEARCHD_REDIS_ADDR is not set"},
		{name: "embedded engine", mutate: func(c *composeFile) { c.Services["searchd"].Environment["SEARCHD_ENGINE"] = "embedded" }, want: "want elastic"},
		{name: "URL names no service", mutate: func(c *composeFile) { c.Services["searchd"].Environment["SEARCHD_ES_URL"] = "http://es:9200" }, want: "no service \"es\""},
		{name: "URL with wrong port", mutate: func(c *composeFile) {
			c.Services["searchd"].Environment["SEARCHD_ES_URL"] = "http://elasticsearch:9300"
		}, want: "does not expose port 9300"},
		{name: "URL without port", mutate: func(c *composeFile) { c.Services["searchd"].Environment["SEARCHD_ES_URL"] = "http://elasticsearch" }, want: "does not expose port 80"},
		{name: "host:port with wrong port", mutate: func(c *composeFile) { c.Services["searchd"].Environment["SEARCHD_REDIS_ADDR"] = "redis:6380" }, want: "does not expose port 6380"},
		{name: "searchd-opensearch wired to elasticsearch", mutate: func(c *composeFile) {
			c.Services["searchd-opensearch"].Environment["SEARCHD_ES_URL"] = "http://elasticsearch:9200"
			c.Services["searchd-opensearch"].DependsOn["elasticsearch"] = "service_healthy"
		}, want: "no SEARCHD_* address points at service \"opensearch\""},
		{name: "backend stopped exposing", mutate: func(c *composeFile) { c.Services["redis"].Expose = nil }, want: "service \"redis\" does not expose port 6379"},
		{name: "SEARCHD_ADDR not host:port", mutate: func(c *composeFile) { c.Services["searchd"].Environment["SEARCHD_ADDR"] = "8080" }, want: "is not host:port"},
		{name: "listen port differs from published", mutate: func(c *composeFile) { c.Services["searchd"].Environment["SEARCHD_ADDR"] = ":9090" }, want: "ports: want 8080:9090"},
		{name: "searchd not published", mutate: func(c *composeFile) { c.Services["searchd"].Ports = nil }, want: "ports: want 8080:8080"},
		{name: "searchd-opensearch on 8080", mutate: func(c *composeFile) { c.Services["searchd-opensearch"].Ports = []port{{"8080", "8080"}} }, want: "host port 8080 is also published"},
		{name: "healthcheck on another port", mutate: func(c *composeFile) {
			c.Services["searchd"].Healthcheck.Test = []string{"CMD", "curl", "-f", "http://localhost:9999/readyz"}
		}, want: "healthcheck calls port \"9999\""},
		{name: "data not on a volume", mutate: func(c *composeFile) { c.Services["searchd"].Volumes = nil }, want: "SEARCHD_DATA=/data is not on a named volume"},
		{name: "undeclared named volume", mutate: func(c *composeFile) { delete(c.Volumes, "redis-data") }, want: "\"redis-data\" is not declared"},
		{name: "unused named volume", mutate: func(c *composeFile) { c.Volumes["spare"] = nil }, want: "\"spare\" is declared but no service mounts it"},
		{name: "elasticsearch multi-node", mutate: func(c *composeFile) { delete(c.Services["elasticsearch"].Environment, "discovery.type") }, want: "single-node"},
		{name: "elasticsearch security on", mutate: func(c *composeFile) { c.Services["elasticsearch"].Environment["xpack.security.enabled"] = "true" }, want: "xpack.security.enabled"},
		{name: "elasticsearch heap unset", mutate: func(c *composeFile) { delete(c.Services["elasticsearch"].Environment, "ES_JAVA_OPTS") }, want: "ES_JAVA_OPTS must set the heap"},
		{name: "elasticsearch from an image", mutate: func(c *composeFile) {
			c.Services["elasticsearch"].Build, c.Services["elasticsearch"].Image = nil, "elasticsearch:7.17.29"
		}, want: "must be built from a Dockerfile"},
		{name: "ES Dockerfile without nori", files: replaceIn("deploy/elasticsearch/Dockerfile", "analysis-nori", "analysis-icu"), want: "does not run elasticsearch-plugin install --batch analysis-nori"},
		{name: "ES Dockerfile without --batch", files: replaceIn("deploy/elasticsearch/Dockerfile", "--batch ", ""), want: "does not run elasticsearch-plugin"},
		{name: "ES 8", files: replaceIn("deploy/elasticsearch/Dockerfile", ":7.17.", ":8.17."), want: "want docker.elastic.co/elasticsearch/elasticsearch:7.17."},
		{name: "OpenSearch version differs from CI", files: replaceIn("deploy/opensearch/Dockerfile", "opensearch:2.", "opensearch:2.1"), want: "want opensearchproject/opensearch:"},
		{name: "CI moved to another OpenSearch", files: replaceIn(pomPath, "<opensearch.version>2.", "<opensearch.version>9."), want: "want opensearchproject/opensearch:9."},
		{name: "OS Dockerfile without nori", files: replaceIn("deploy/opensearch/Dockerfile", "analysis-nori", "analysis-kuromoji"), want: "does not run opensearch-plugin install"},
		{name: "OpenSearch security on", files: replaceIn("deploy/opensearch/Dockerfile", "DISABLE_SECURITY_PLUGIN=true", "DISABLE_SECURITY_PLUGIN=false"), want: "DISABLE_SECURITY_PLUGIN=true must be set"},
		{name: "OpenSearch demo config on", files: replaceIn("deploy/opensearch/Dockerfile", "DISABLE_INSTALL_DEMO_CONFIG=true", "X=1"), want: "DISABLE_INSTALL_DEMO_CONFIG=true must be set"},
		{name: "searchd runs as root", files: replaceIn("Dockerfile", "USER 10001:10001", "USER root"), want: "numeric non-root uid"},
		{name: "searchd runs as uid 0", files: replaceIn("Dockerfile", "USER 10001:10001", "USER 0:0"), want: "numeric non-root uid"},
		{name: "searchd without USER", files: replaceIn("Dockerfile", "USER 10001:10001\n", ""), want: "numeric non-root uid"},
		{name: "searchd USER commented out", files: replaceIn("Dockerfile", "USER 10001:10001", "# USER 10001:10001"), want: "numeric non-root uid"},
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
			c := loadCompose(t, fsys)
			if tc.mutate != nil {
				tc.mutate(c)
			}
			probs := validate(c, fsys)
			for _, p := range probs {
				if strings.Contains(p.String(), tc.want) {
					return
				}
			}
			t.Errorf("want a problem containing %q, got %v", tc.want, probs)
		})
	}
}

// TestComposeSyntaxes checks that the model reads the other spellings the
// Compose specification allows, so a restyled file is judged the same.
func TestComposeSyntaxes(t *testing.T) {
	const src = `
services:
  a:
    build: {context: ., dockerfile: Other.Dockerfile}
    environment: ["SEARCHD_ES_URL=http://b:9200", "EMPTY"]
    ports: ["127.0.0.1:8080:80/tcp", {target: 81, published: "9091"}, "82"]
    expose: [9200, "9300"]
    depends_on: [b]
    healthcheck: {test: "curl -f http://localhost:80/readyz"}
    volumes: ["./src:/src:ro", {type: volume, source: v, target: /data}, /anon]
`
	c, err := parseCompose([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Services["a"]
	if got := a.Build.dockerfilePath(); got != "Other.Dockerfile" {
		t.Errorf("dockerfile = %q", got)
	}
	if a.Environment["SEARCHD_ES_URL"] != "http://b:9200" || a.Environment["EMPTY"] != "" || len(a.Environment) != 2 {
		t.Errorf("environment = %v", a.Environment)
	}
	if want := []port{{"8080", "80"}, {"9091", "81"}, {"", "82"}}; !slices.Equal(a.Ports, want) {
		t.Errorf("ports = %v, want %v", a.Ports, want)
	}
	if want := []string{"9200", "9300"}; !slices.Equal(a.Expose, want) {
		t.Errorf("expose = %v, want %v", a.Expose, want)
	}
	if cond, ok := a.DependsOn["b"]; !ok || cond != "" {
		t.Errorf("depends_on = %v", a.DependsOn)
	}
	if want := []string{"CMD-SHELL", "curl -f http://localhost:80/readyz"}; !slices.Equal(a.Healthcheck.Test, want) {
		t.Errorf("healthcheck = %q", a.Healthcheck.Test)
	}
	if healthPort(a.Healthcheck.Test) != "80" {
		t.Errorf("healthPort = %q", healthPort(a.Healthcheck.Test))
	}
	wantMounts := []mount{{"./src", "/src"}, {"v", "/data"}, {"", "/anon"}}
	if !slices.Equal(a.Volumes, wantMounts) {
		t.Errorf("volumes = %v, want %v", a.Volumes, wantMounts)
	}
	if named := []bool{a.Volumes[0].named(), a.Volumes[1].named(), a.Volumes[2].named()}; !slices.Equal(named, []bool{false, true, false}) {
		t.Errorf("named = %v", named)
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
		{"${SEARCHD_ADMIN_TOKEN:-change-me}", "", "", false},
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
