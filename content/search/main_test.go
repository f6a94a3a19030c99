package search_test

import (
	"testing"

	"github.com/yinling-cms/yinling/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
