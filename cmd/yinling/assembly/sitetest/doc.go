// Package sitetest is a test's Yinling: the application as
// cmd/yinling/assembly builds it for `yinling serve`, over a fresh
// database of the test environment's store (SQLite on a file, or
// FerretDB when YINLING_TEST_STORE says so), a bucket of the real S3
// server and the Douyin stand-in, with the administrator signed in.
//
// The scenario tests of every surface import it from their own folders
// (api/admin, api/site, api/delivery, api/adminui and api itself), so
// each surface's tests sit beside its handlers and the packages run in
// parallel. New takes Options for what a test changes (WithSearch,
// AtLoopback, WithStore for two instances over one database, ...); Site
// sends requests in-process (Do, Form, Upload) or serves on loopback
// (Listen) for a browser; Resp checks answers (Want, JSON, Problem). The
// fixtures every surface needs live here too: staff accounts, a lecture
// series, photos with and without GPS, a webhook receiver that checks
// signatures.
//
// A package that uses it runs testenv.Main from its TestMain.
package sitetest
