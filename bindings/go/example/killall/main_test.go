// SPDX-License-Identifier: LGPL-2.1-or-later

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"libcgkill.org/cgkill/internal/testproc"
)

func TestMain(m *testing.M) { os.Exit(testproc.Main(m)) }

// A container whose init ignores SIGTERM: it takes the SIGKILL.
func TestKillAllEscalates(t *testing.T) {
	s := testproc.NewScratch(t)
	ctr := s.Mk("ctr-1")
	s.Start(s.Mk("ctr-1/init"), testproc.IgnoreTerm, 2)
	s.Start(s.Mk("ctr-1/payload/app"), testproc.Pause, 3)
	var out bytes.Buffer
	if err := killAll(context.Background(), ctr, 200*time.Millisecond, 10*time.Second, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Logf("\n%s", out.String())
	for _, want := range []string{"stage 1 at", "terminated by the freeze method, 5 processes",
		"stage 2 at", "killed by the native method", "empty and removed", "escalated: true"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in the report", want)
		}
	}
	if _, err := os.Stat(ctr); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s: %v", ctr, err)
	}
}

// A container that shuts down on SIGTERM: no SIGKILL.
func TestKillAllClean(t *testing.T) {
	s := testproc.NewScratch(t)
	ctr := s.Mk("ctr-2")
	s.Start(s.Mk("ctr-2/app"), testproc.Pause, 3)
	var out bytes.Buffer
	if err := killAll(context.Background(), ctr, 10*time.Second, 10*time.Second, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "stage 2") || !strings.Contains(out.String(), "escalated: false") {
		t.Errorf("report:\n%s", out.String())
	}
}
