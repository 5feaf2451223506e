package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// OpenSearchHomeEnv names the directory tools/opensearch/opensearch.sh
// installs the node into (default: tools/opensearch/.node in the repo).
const OpenSearchHomeEnv = "SEARCHD_OPENSEARCH_HOME"

// OpenSearchProcess is a single-node OpenSearch started for one test, so the
// test may freeze (SIGSTOP) or kill it: faults the shared node must never
// see. It runs from the installation tools/opensearch/opensearch.sh made,
// with its own data directory and ports and a 512 MB heap.
type OpenSearchProcess struct {
	URL    string
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process was reaped
	dir    string
}

// openSearchStartTimeout bounds the start (a JVM on a busy 2-core machine).
const openSearchStartTimeout = 4 * time.Minute

// StartOpenSearch starts a dedicated node and waits until it is healthy;
// it is killed and its directory removed when the test ends. A missing
// installation fails under CI and skips elsewhere, like every component.
func StartOpenSearch(tb testing.TB) *OpenSearchProcess {
	tb.Helper()
	home, err := openSearchInstallation()
	if err != nil {
		missing(tb, "an OpenSearch installation", err)
		return nil
	}
	java, err := javaHome()
	if err != nil {
		missing(tb, "java", err)
		return nil
	}
	// Not tb.TempDir: when we are root the node runs as nobody, who must
	// reach the directory (TempDir's parents are private).
	dir, err := os.MkdirTemp("", "searchd-opensearch-test-")
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	p := &OpenSearchProcess{dir: dir}
	tb.Cleanup(p.cleanup)
	for _, d := range []string{"data", "logs", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			tb.Fatalf("testenv: %v", err)
		}
	}
	if err := os.CopyFS(filepath.Join(dir, "config"), os.DirFS(filepath.Join(home, "config"))); err != nil {
		tb.Fatalf("testenv: copy the node's config: %v", err)
	}
	if err := p.configure(); err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	if os.Geteuid() == 0 && !othersCanReach(filepath.Join(home, "bin", "opensearch")) {
		// nobody cannot reach the installation (a clone under /root): run
		// a copy, as opensearch.sh does.
		tb.Logf("testenv: nobody cannot reach %s; running a copy", home)
		if err := os.CopyFS(filepath.Join(dir, "node"), os.DirFS(home)); err != nil {
			tb.Fatalf("testenv: copy the node: %v", err)
		}
		home = filepath.Join(dir, "node")
	}
	cmd := exec.Command(filepath.Join(home, "bin", "opensearch"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"OPENSEARCH_JAVA_HOME="+java,
		"OPENSEARCH_PATH_CONF="+filepath.Join(dir, "config"),
		"OPENSEARCH_TMPDIR="+filepath.Join(dir, "tmp"),
		"OPENSEARCH_JAVA_OPTS=-Xms512m -Xmx512m",
		"HOME="+dir)
	logf, err := os.Create(filepath.Join(dir, "logs", "stdout.log"))
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if os.Geteuid() == 0 { // OpenSearch refuses to run as root
		if err := runAsNobody(cmd, dir); err != nil {
			tb.Fatalf("testenv: %v", err)
		}
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		missing(tb, "OpenSearch", err)
		return nil
	}
	p.cmd, p.exited = cmd, make(chan struct{})
	exited := p.exited
	go func() { _ = cmd.Wait(); close(exited) }()
	ports := filepath.Join(dir, "logs", "http.ports")
	deadline := time.Now().Add(openSearchStartTimeout)
	for {
		if p.URL == "" {
			if b, err := os.ReadFile(ports); err == nil && len(strings.TrimSpace(string(b))) > 0 {
				p.URL = "http://" + strings.Fields(string(b))[0]
			}
		}
		if p.URL != "" && p.healthy() {
			tb.Logf("testenv: dedicated OpenSearch node up at %s after %s", p.URL, time.Since(start).Round(100*time.Millisecond))
			return p
		}
		select {
		case <-exited:
			tb.Fatalf("testenv: OpenSearch exited during start; see %s", logf.Name())
		case <-time.After(500 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testenv: OpenSearch was not healthy within %s; see %s", openSearchStartTimeout, logf.Name())
		}
	}
}

// configure adapts the copied config as opensearch.sh does: logs and heap
// dumps in this node's directory, no heap pre-touch, and a loopback
// single-node cluster on free ports.
func (p *OpenSearchProcess) configure() error {
	conf := filepath.Join(p.dir, "config")
	jvm, err := os.ReadFile(filepath.Join(conf, "jvm.options"))
	if err != nil {
		return err
	}
	s := strings.NewReplacer("file=logs/", "file="+p.dir+"/logs/", "ErrorFile=logs/", "ErrorFile="+p.dir+"/logs/",
		"HeapDumpPath=data", "HeapDumpPath="+p.dir+"/data", "-XX:+AlwaysPreTouch", "").Replace(string(jvm))
	if err := os.WriteFile(filepath.Join(conf, "jvm.options"), []byte(s), 0o644); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(conf, "opensearch.yml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, `
# Added by testenv.StartOpenSearch: a throwaway node for fault tests.
cluster.name: searchd-fault-test
node.name: searchd-fault-test
discovery.type: single-node
network.host: 127.0.0.1
http.port: 0
transport.port: 0
node.portsfile: true
path.data: %s/data
path.logs: %s/logs
cluster.routing.allocation.disk.threshold_enabled: false
`, p.dir, p.dir)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (p *OpenSearchProcess) healthy() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/_cluster/health?wait_for_status=yellow&timeout=1s", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Freeze stops the node's process (SIGSTOP): it keeps its sockets, the
// kernel still accepts connections, nothing answers — a hung node.
func (p *OpenSearchProcess) Freeze() error { return p.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen node (SIGCONT).
func (p *OpenSearchProcess) Thaw() error { return p.signal(syscall.SIGCONT) }

// Kill kills the node (SIGKILL) and waits until it is gone: connections
// to its port are refused from then on.
func (p *OpenSearchProcess) Kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
	p.cmd = nil
}

func (p *OpenSearchProcess) signal(sig syscall.Signal) error {
	if p.cmd == nil || p.cmd.Process == nil {
		return fmt.Errorf("testenv: the node is not running")
	}
	return syscall.Kill(-p.cmd.Process.Pid, sig)
}

func (p *OpenSearchProcess) cleanup() {
	p.Kill()
	_ = os.RemoveAll(p.dir)
}

// openSearchInstallation finds the node tools/opensearch/opensearch.sh
// installed: $SEARCHD_OPENSEARCH_HOME/opensearch-*, else the repository's
// tools/opensearch/.node.
func openSearchInstallation() (string, error) {
	home := os.Getenv(OpenSearchHomeEnv)
	if home == "" {
		root, err := RepoRoot()
		if err != nil {
			return "", err
		}
		home = filepath.Join(root, "tools", "opensearch", ".node")
	}
	matches, _ := filepath.Glob(filepath.Join(home, "opensearch-*", "bin", "opensearch"))
	if len(matches) == 0 {
		return "", fmt.Errorf("no opensearch-*/bin/opensearch under %s (run tools/opensearch/opensearch.sh install, or set %s)", home, OpenSearchHomeEnv)
	}
	return filepath.Dir(filepath.Dir(matches[0])), nil
}

// javaHome is $JAVA_HOME or the JDK the java on PATH belongs to.
func javaHome() (string, error) {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		return h, nil
	}
	java, err := exec.LookPath("java")
	if err != nil {
		return "", err
	}
	java, err = filepath.EvalSymlinks(java)
	if err != nil {
		return "", err
	}
	return filepath.Dir(filepath.Dir(java)), nil
}

// othersCanReach reports whether a user other than the owner can reach and
// run path: every directory above it searchable, the file executable, by
// others.
func othersCanReach(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o005 != 0o005 {
		return false
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if dir == filepath.Dir(dir) {
			return true
		}
	}
}

// runAsNobody makes cmd run as the user nobody, owning dir.
func runAsNobody(cmd *exec.Cmd, dir string) error {
	u, err := user.Lookup("nobody")
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	return filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}
