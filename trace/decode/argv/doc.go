// Package argv decodes the NUL-separated strings the probe captures for an
// execve (program and arguments) and quotes them the way a shell would
// need them.
package argv
