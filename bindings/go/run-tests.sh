#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# go vet and go test of the Go binding against the libcgkill of a meson
# build: what `meson test --suite go` runs.  By hand, from anywhere:
#
#   sh bindings/go/run-tests.sh go bindings/go BUILDDIR [go test flags...]
#
# cgo finds the build's library through its uninstalled pkg-config file, the
# test binaries load it from BUILDDIR/lib, and the Go caches live in
# BUILDDIR: nothing is downloaded (the module needs only the standard
# library) and nothing outside BUILDDIR is written.
set -eu

go=$1
src=$(cd "$2" && pwd)
build=$(cd "$3" && pwd)
shift 3

export PKG_CONFIG_PATH="$build/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GOCACHE="$build/bindings/go/cache"
export GOPATH="$build/bindings/go/gopath"
export GOENV=off GOFLAGS=-buildvcs=false GOPROXY=off GOTOOLCHAIN=local
export GO111MODULE=on CGO_ENABLED=1

cd "$src"
"$go" version
"$go" vet ./...
exec "$go" test -count=1 "$@" ./...
