//go:build integration

package store

import "testing"

func TestDB(t *testing.T) {}
