// Package scripts_test checks the shell scripts' behaviour on a fresh
// machine.
package scripts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeGo puts a `go` that reports version v on a PATH of its own (with
// the system's basic tools), or no go at all when v is empty.
func fakeGo(t *testing.T, v string) string {
	t.Helper()
	dir := t.TempDir()
	if v != "" {
		script := "#!/bin/sh\n[ \"$1 $2\" = \"env GOVERSION\" ] && echo go" + v + "\n"
		if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir + ":/usr/bin:/bin"
}

func runCheck(t *testing.T, path string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", "check-go.sh")
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestCheckGo: Debian 12's golang-go (1.19) or no Go at all stops the test
// command at once with what to install; a new enough Go passes.
func TestCheckGo(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^go ([0-9.]+)$`).FindSubmatch(mod)
	if want == nil {
		t.Fatal("go.mod names no go version")
	}
	for name, v := range map[string]string{"debian 12 golang-go": "1.19.8", "no go": "", "one minor too old": "1.25.9"} {
		t.Run(name, func(t *testing.T) {
			out, err := runCheck(t, fakeGo(t, v))
			if err == nil {
				t.Fatalf("check-go.sh passed with go %q:\n%s", v, out)
			}
			for _, s := range []string{"needs Go " + string(want[1]), "https://go.dev/dl/", "golang-go"} {
				if !strings.Contains(out, s) {
					t.Errorf("message lacks %q:\n%s", s, out)
				}
			}
		})
	}
	for _, v := range []string{string(want[1]), "1.99.0"} {
		if out, err := runCheck(t, fakeGo(t, v)); err != nil {
			t.Errorf("go %s: %v\n%s", v, err, out)
		}
	}
	// test.sh runs it before installing anything.
	src, err := os.ReadFile("test.sh")
	if err != nil {
		t.Fatal(err)
	}
	check, apt := strings.Index(string(src), "bash scripts/check-go.sh"), strings.Index(string(src), "apt-get update")
	if check < 0 || check > apt {
		t.Error("test.sh does not run check-go.sh before apt-get")
	}
}
