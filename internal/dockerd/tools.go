package dockerd

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// InstallHint is the command that installs what a run needs on Debian.
const InstallHint = "apt-get install docker.io containerd runc busybox-static"

// ErrUnavailable is wrapped by the errors of [Check]: the real daemon cannot
// run on this machine.
var ErrUnavailable = errors.New("real Docker unavailable")

// Tools are the programs a run uses.
type Tools struct {
	// Dockerd is the daemon; Docker the CLI of the same version when there
	// is one (Debian puts dockerd in /usr/sbin and its CLI in /usr/bin,
	// where another CLI may come first in PATH).
	Dockerd string `json:"dockerd"`
	Docker  string `json:"docker"`
	// Busybox is a statically linked busybox, the only program of the
	// image the containers run.
	Busybox string `json:"busybox"`
	// Version is the daemon's version, e.g. "20.10.24+dfsg1".
	Version string `json:"version"`
}

// searchPath is where the daemon's programs are looked for: PATH, then the
// system directories that a non-root PATH may lack. It is also the PATH the
// daemon runs with, so that it finds containerd, runc, docker-proxy and
// iptables.
func searchPath() string {
	return strings.Trim(os.Getenv("PATH")+":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ":")
}

// lookPath finds name in [searchPath].
func lookPath(name string) (string, error) {
	for _, dir := range filepath.SplitList(searchPath()) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

// unavailable wraps the reason a run cannot start, naming what to install.
func unavailable(reason string) error {
	return fmt.Errorf("%w: %s: %s", ErrUnavailable, reason, InstallHint)
}

// Check finds the daemon (dockerd, or the one in PATH or /usr/sbin when
// empty), its CLI, and the programs the daemon runs, and checks that they
// work. Its error is one line that says what is missing and what to
// install; it wraps [ErrUnavailable].
func Check(dockerd string) (Tools, error) {
	var t Tools
	var err error
	if dockerd == "" {
		dockerd = "dockerd"
	}
	if strings.Contains(dockerd, "/") {
		t.Dockerd = dockerd
	} else if t.Dockerd, err = lookPath(dockerd); err != nil {
		return t, unavailable(err.Error())
	}
	if t.Version, err = programVersion(t.Dockerd); err != nil {
		return t, unavailable(err.Error())
	}
	for _, name := range []string{"containerd", "containerd-shim-runc-v2", "runc", "docker-proxy", "iptables"} {
		if _, err := lookPath(name); err != nil {
			return t, unavailable(err.Error() + " (dockerd needs it)")
		}
	}
	if t.Docker, err = findCLI(t.Dockerd, t.Version); err != nil {
		return t, unavailable(err.Error())
	}
	if t.Busybox, err = findStaticBusybox(); err != nil {
		return t, unavailable(err.Error())
	}
	return t, nil
}

// programVersion runs `path --version` and returns the version in its
// "Docker version 20.10.24+dfsg1, build 5d6db84".
func programVersion(path string) (string, error) {
	cmd := exec.Command(path, "--version")
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", path, err)
	}
	fields := strings.Fields(strings.ReplaceAll(string(out), ",", " "))
	if len(fields) < 3 || fields[1] != "version" {
		return "", fmt.Errorf("%s --version printed %q, not a Docker version", path, strings.TrimSpace(string(out)))
	}
	return fields[2], nil
}

// findCLI returns the Docker CLI of the daemon's version: the one beside
// dockerd, /usr/bin/docker, or the first in PATH, in that order of
// preference. Without one of the same version it takes the first that
// runs, since the API negotiates down.
func findCLI(dockerd, version string) (string, error) {
	candidates := []string{filepath.Join(filepath.Dir(dockerd), "docker"), "/usr/bin/docker"}
	if p, err := lookPath("docker"); err == nil {
		candidates = append(candidates, p)
	}
	first := ""
	for _, c := range candidates {
		v, err := programVersion(c)
		if err != nil {
			continue
		}
		if v == version {
			return c, nil
		}
		if first == "" {
			first = c
		}
	}
	if first == "" {
		return "", errors.New("no docker CLI found beside dockerd or in PATH")
	}
	return first, nil
}

// findStaticBusybox returns the busybox in PATH if it is statically linked:
// the containers' image holds nothing but it.
func findStaticBusybox() (string, error) {
	p, err := lookPath("busybox")
	if err != nil {
		return "", err
	}
	f, err := elf.Open(p)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", p, err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			return "", fmt.Errorf("%s is dynamically linked, and the container image has no libraries", p)
		}
	}
	return p, nil
}

// busyboxApplets are the commands the image offers, as symlinks to busybox.
var busyboxApplets = []string{"sh", "true", "sleep", "ip", "cat", "echo", "ls", "ps", "ping", "hostname", "nc", "wget"}

// busyboxImage returns a tar archive of the image's root file system:
// /bin/busybox and its applets' symlinks, for `docker import`.
func busyboxImage(busybox string) ([]byte, error) {
	bin, err := os.ReadFile(busybox)
	if err != nil {
		return nil, fmt.Errorf("reading busybox: %w", err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(0, 0)
	hdrs := []*tar.Header{
		{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime},
		{Name: "bin/busybox", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(bin)), ModTime: mtime},
	}
	for _, a := range busyboxApplets {
		hdrs = append(hdrs, &tar.Header{Name: "bin/" + a, Typeflag: tar.TypeSymlink, Linkname: "busybox", Mode: 0o777, ModTime: mtime})
	}
	for _, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(bin); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
