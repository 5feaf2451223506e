// Package deploy holds no code: it is the home of compose_test.go, which
// loads docker-compose.yml with the Compose specification's loader and
// checks it and the Dockerfiles it builds (the searchd image
// at the repository root, deploy/elasticsearch and deploy/opensearch)
// structurally, since no Docker engine runs where the tests do. The checks
// include the wiring from the compose environment to searchd's flags: every
// SEARCHD_* variable must be one searchd/config.go reads, and every address
// it holds must name a service of the file and a port that service exposes.
package deploy
