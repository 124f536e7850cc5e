package child

import (
	"os/exec"
	"testing"
	"time"
)

func TestStart(t *testing.T) {
	c, err := Start(exec.Command("true"))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Exited:
	case <-time.After(10 * time.Second):
		t.Fatal("true did not exit")
	}
	if !c.Done() || c.Err != nil {
		t.Errorf("Done %v, Err %v", c.Done(), c.Err)
	}
	if _, err := Start(exec.Command("/nonexistent/program")); err == nil {
		t.Error("starting a missing program succeeded")
	}
}
