// Package deploy_test checks the files of deploy/ with the tools that read
// them: the compose file with compose-go (what `docker compose config`
// is built on), the Kubernetes manifests strictly into the k8s.io/api
// types, the variables both set against what the server reads, and the
// compose file's S3 service run the way compose would run it, with the
// blob store conformance suite against it.
package deploy_test

import (
	"testing"

	"github.com/yinling-cms/yinling/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
